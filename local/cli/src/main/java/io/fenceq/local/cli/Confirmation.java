package io.fenceq.local.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** Asks on the terminal before a command changes a queue; anything but yes is no. */
final class Confirmation {
  private Confirmation() {}

  static boolean ask(PrintWriter out, String question) {
    out.print(question + " [y/N] ");
    out.flush();
    String answer;
    try {
      answer =
          new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
    } catch (IOException e) {
      answer = null;
    }
    if (answer == null) {
      out.println();
      return false;
    }
    String a = answer.trim().toLowerCase(Locale.ROOT);
    return a.equals("y") || a.equals("yes");
  }
}
