package io.fenceq.local.cli;

import io.fenceq.queue.InvalidJobException;
import io.fenceq.queue.JobRequest;
import io.fenceq.ring.HashRing;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code fenceq ring lane}: the lane of each key, for producers that compute it themselves (a Node
 * or Python service) and want to check their implementation against fenceq's.
 */
@Command(
    name = "lane",
    mixinStandardHelpOptions = true,
    description = {
      "Prints the lane of each key, one line each: the key, a tab, the lane id (lane-0191).",
      "Without keys, or with -, reads keys from standard input, one per line (a trailing CR is"
          + " dropped). Every key is checked as the enqueuer checks it before anything is printed.",
      "The ring is specified in docs/ring.md, with golden vectors to test an implementation"
          + " against."
    })
final class RingLaneCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--lanes",
      defaultValue = "256",
      description = "Lanes on the ring, the producers' FENCEQ_LANES (default: ${DEFAULT-VALUE}).")
  int lanes;

  @Parameters(arity = "0..*", paramLabel = "KEY", description = "Keys; - or none: stdin.")
  List<String> keys = new ArrayList<>();

  @Override
  public Integer call() {
    if (lanes < 1 || lanes > HashRing.MAX_LANES) {
      throw new IllegalArgumentException(
          "--lanes must be from 1 to " + HashRing.MAX_LANES + ", got " + lanes);
    }
    boolean fromStdin = keys.isEmpty() || keys.equals(List.of("-"));
    List<String> all = fromStdin ? readStdin() : keys;
    for (int i = 0; i < all.size(); i++) {
      try {
        JobRequest.validateKey(all.get(i));
      } catch (InvalidJobException e) {
        String where = fromStdin ? "line " + (i + 1) : "key " + (i + 1);
        // The enqueuer would refuse this key: no job of it ever has a lane.
        String reason = e.getMessage().replaceFirst("^invalid job: key: ", "");
        throw new IllegalArgumentException(
            where + ": not a key the enqueuer accepts: the key " + reason, e);
      }
    }
    HashRing ring = HashRing.of(lanes);
    PrintWriter out = spec.commandLine().getOut();
    for (String key : all) {
      out.print(key);
      out.print('\t');
      out.println(ring.laneFor(key).id());
    }
    out.flush();
    return 0;
  }

  private static List<String> readStdin() {
    List<String> lines = new ArrayList<>();
    try {
      BufferedReader in =
          new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      String line;
      while ((line = in.readLine()) != null) {
        lines.add(line);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read keys from standard input", e);
    }
    return lines;
  }
}
