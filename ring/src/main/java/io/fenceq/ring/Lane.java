package io.fenceq.ring;

/**
 * One lane of a {@link HashRing}: an SQS FIFO message group.
 *
 * <p>All jobs of a key travel through the same lane, so SQS delivers them one at a time and in
 * order. The lane's {@link #id()} is the message group id on the wire and also the seed of the
 * lane's virtual nodes, which is why its spelling is fixed: four zero-padded digits, {@code
 * lane-0000} to {@code lane-9999}.
 *
 * @param index the lane number, 0 to {@value #MAX_INDEX}
 */
public record Lane(int index) implements Comparable<Lane> {

  /** The highest lane index; the id format has room for four digits and no more. */
  public static final int MAX_INDEX = 9999;

  private static final String PREFIX = "lane-";
  private static final int ID_LENGTH = PREFIX.length() + 4;

  /** Rejects indexes whose id would not fit the fixed four-digit format. */
  public Lane {
    if (index < 0 || index > MAX_INDEX) {
      throw new IllegalArgumentException(
          "lane index must be between 0 and " + MAX_INDEX + ", got " + index);
    }
  }

  /**
   * Reads a lane back from its id, as found in a message group id.
   *
   * <p>Only the exact form that {@link #id()} writes is accepted, so that every lane has one
   * spelling and {@code parse(id).id().equals(id)} always holds.
   *
   * @throws IllegalArgumentException if {@code id} is not {@code lane-} followed by four digits
   */
  public static Lane parse(String id) {
    if (id == null || id.length() != ID_LENGTH || !id.startsWith(PREFIX)) {
      throw notALaneId(id);
    }
    int index = 0;
    for (int i = PREFIX.length(); i < ID_LENGTH; i++) {
      char c = id.charAt(i);
      // Character.isDigit would admit non-ASCII digits, which id() never writes.
      if (c < '0' || c > '9') {
        throw notALaneId(id);
      }
      index = index * 10 + (c - '0');
    }
    return new Lane(index);
  }

  private static IllegalArgumentException notALaneId(String id) {
    String shown = id == null ? "null" : '"' + id + '"';
    return new IllegalArgumentException(
        "not a lane id (expected lane- and four digits, e.g. lane-0042): " + shown);
  }

  /**
   * The lane's wire name, {@code lane-} and the zero-padded index; used as the SQS message group id
   * and as the seed of the lane's virtual nodes.
   */
  public String id() {
    // Built by hand rather than with String.format, whose digits follow the default locale and
    // could come out non-ASCII; the id must be byte-identical on every JVM.
    String digits = Integer.toString(index);
    return PREFIX + "0000".substring(digits.length()) + digits;
  }

  /** Orders lanes by index, the order a ring lists them in and breaks ties by. */
  @Override
  public int compareTo(Lane other) {
    return Integer.compare(index, other.index);
  }

  /** Returns {@link #id()}, so logs show lanes the way SQS does. */
  @Override
  public String toString() {
    return id();
  }
}
