package io.fenceq.ring;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Holds the ring to the mapping that deployed producers and consumers already use. A failure here
 * means a change would move live keys to other lanes; the fix is to undo the change, never to
 * regenerate the file.
 */
class GoldenLanesTest {

  private static final String RESOURCE = "golden-lanes.csv";
  private static final int[] LANE_COUNTS = {16, 256, 1024};

  private static List<Row> rows;

  record Row(int line, byte[] key, int[] lanes, String description) {}

  @BeforeAll
  static void load() throws IOException {
    rows = new ArrayList<>();
    try (InputStream in = GoldenLanesTest.class.getResourceAsStream(RESOURCE)) {
      assertThat(in).as(RESOURCE).isNotNull();
      BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      String text;
      int line = 0;
      while ((text = reader.readLine()) != null) {
        line++;
        if (text.startsWith("#") || text.isBlank()) {
          continue;
        }
        String[] fields = text.split(",", 5);
        assertThat(fields).as("line %d", line).hasSize(5);
        int[] lanes = new int[LANE_COUNTS.length];
        for (int i = 0; i < lanes.length; i++) {
          lanes[i] = Integer.parseInt(fields[i + 1]);
        }
        rows.add(new Row(line, HexFormat.of().parseHex(fields[0]), lanes, fields[4]));
      }
    }
  }

  @Test
  void fileHoldsTheAgreedCases() {
    assertThat(rows).hasSizeGreaterThanOrEqualTo(60);
    assertThat(rows).extracting(row -> row.key().length).contains(0, 1024);
    // A four-byte UTF-8 sequence starts with 0xF0..0xF4.
    assertThat(rows)
        .anySatisfy(row -> assertThat(hasByteAtLeast(row.key(), 0xf0)).isTrue())
        .allSatisfy(row -> assertThat(reencoded(row.key())).isEqualTo(row.key()));
    assertThat(rows.stream().map(row -> HexFormat.of().formatHex(row.key())).distinct())
        .hasSize(rows.size());
  }

  @Test
  void ringsKeepTheirDescriptors() {
    assertThat(HashRing.of(16).descriptor()).isEqualTo("m3-16x2048");
    assertThat(HashRing.of(256).descriptor()).isEqualTo("m3-256x2048");
    assertThat(HashRing.of(1024).descriptor()).isEqualTo("m3-1024x2048");
  }

  @Test
  void everyKeyKeepsItsGoldenLane() {
    List<String> changed = new ArrayList<>();
    for (int i = 0; i < LANE_COUNTS.length; i++) {
      HashRing ring = HashRing.of(LANE_COUNTS[i]);
      for (Row row : rows) {
        int expected = row.lanes()[i];
        int fromString = ring.laneFor(new String(row.key(), StandardCharsets.UTF_8)).index();
        int fromBytes = ring.laneFor(row.key()).index();
        if (fromString != expected || fromBytes != expected) {
          changed.add(
              String.format(
                  "line %d (%s) at %d lanes: golden %d, now %d from String and %d from bytes",
                  row.line(), row.description(), LANE_COUNTS[i], expected, fromString, fromBytes));
        }
      }
    }
    assertThat(changed).as("keys that would move lanes on deployed queues").isEmpty();
  }

  @Test
  void goldenFileFollowsThePlacementRules() {
    for (int i = 0; i < LANE_COUNTS.length; i++) {
      ReferenceRing reference =
          ReferenceRing.firstLanes(LANE_COUNTS[i], HashRing.DEFAULT_VIRTUAL_NODES);
      for (Row row : rows) {
        assertThat(row.lanes()[i])
            .as("line %d (%s) at %d lanes", row.line(), row.description(), LANE_COUNTS[i])
            .isEqualTo(reference.laneFor(row.key()));
      }
    }
  }

  private static boolean hasByteAtLeast(byte[] bytes, int unsignedMinimum) {
    for (byte b : bytes) {
      if ((b & 0xff) >= unsignedMinimum) {
        return true;
      }
    }
    return false;
  }

  private static byte[] reencoded(byte[] utf8) {
    return new String(utf8, StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_8);
  }
}
