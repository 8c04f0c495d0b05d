package io.fenceq.engine.internal;

import java.util.List;

/**
 * Messages of one lane-batch that run one after another, in received order: one key's under {@link
 * io.fenceq.engine.OrderScope#KEY} (or one message whose key is unknown), the whole lane-batch's
 * under {@link io.fenceq.engine.OrderScope#LANE}. A failure holds back the rest of its sequence and
 * nothing else.
 */
record KeySequence(List<LaneEntry> entries) {
  KeySequence {
    entries = List.copyOf(entries);
  }

  int size() {
    return entries.size();
  }

  LaneEntry get(int pos) {
    return entries.get(pos);
  }

  /** The settlement indices of the entries from {@code pos} on. */
  List<Integer> indicesFrom(int pos) {
    return entries.subList(Math.min(pos, entries.size()), entries.size()).stream()
        .map(LaneEntry::index)
        .toList();
  }
}
