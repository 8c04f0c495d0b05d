package io.fenceq.local.template.internal;

import java.util.regex.Pattern;

/** AWS's rule for account ids, which appear in queue URLs and ARNs. */
public final class AccountIds {
  private static final Pattern VALID = Pattern.compile("\\d{12}");

  private AccountIds() {}

  /**
   * {@code accountId}, if it is twelve digits.
   *
   * @throws IllegalArgumentException naming the value
   */
  public static String check(String accountId) {
    if (accountId == null || !VALID.matcher(accountId).matches()) {
      throw new IllegalArgumentException("accountId must be 12 digits, was '" + accountId + "'");
    }
    return accountId;
  }
}
