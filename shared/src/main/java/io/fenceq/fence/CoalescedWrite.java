package io.fenceq.fence;

import java.math.BigInteger;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * The read-decide-write loop of one fenced write for a key's consecutive jobs ({@link
 * DynamoDbFence#updateBatch}), for a {@link io.fenceq.engine.KeyBatchHandler} whose jobs' effects
 * depend on the entity's state (a reservation that fits the stock or is refused). Each round reads
 * the entity, drops the jobs its seq shows applied, lets the caller decide the rest from the state
 * read and write their combined effect with its own condition on that state, and sends it fenced
 * from the first unapplied job to the last. A round ends the loop when the write is applied, when
 * every job was applied already, or when the entity carries a newer fence; it starts again when the
 * caller's condition failed (the state moved since the read) or the write answered {@code
 * DUPLICATE} (some jobs were applied since the read). A caller that can state, as a condition on
 * the entity, when every job of the batch applies sends that write first ({@link AllApplied}), and
 * reads only when it is refused. Stateless.
 */
public final class CoalescedWrite {
  private CoalescedWrite() {}

  /**
   * One consistent read of the entity.
   *
   * @param state what the caller decides from
   * @param fence the fence the entity records, 0 if none
   * @param seq the seq of the last job applied to it, or null if none
   */
  public record Snapshot<S>(S state, long fence, String seq) {}

  /** Reads the entity; called once per round. */
  @FunctionalInterface
  public interface Reader<S> {
    Snapshot<S> read();
  }

  /**
   * Decides the jobs from {@code from} on against {@code state} and returns the update writing
   * their combined effect, with a condition that the state is still the one read; called once per
   * round that has jobs to write. The caller keeps what it decided, which counts only if {@link
   * #apply} answers {@link FenceResult#APPLIED} with this {@code from}.
   */
  @FunctionalInterface
  public interface Decider<S> {
    UpdateItemRequest decide(S state, int from);
  }

  /**
   * The write of every job's effect, made without reading the entity, with a condition on the
   * entity's state that holds exactly when deciding the jobs one at a time from that state would
   * apply every one of them (a reservation of 3 then 4 units: {@code stock >= 7}). Called at most
   * once, before any read; what it decided (every job applied) counts only if {@link #apply}
   * answers {@link FenceResult#APPLIED} with {@code firstUnapplied} 0 and no round decided since.
   */
  @FunctionalInterface
  public interface AllApplied {
    UpdateItemRequest write();
  }

  /**
   * How the loop ended.
   *
   * @param result {@link FenceResult#APPLIED}: the jobs from {@code firstUnapplied} on were written
   *     by the last round's decision, those before it were applied already; {@link
   *     FenceResult#DUPLICATE}: every job was applied already and nothing was written ({@code
   *     firstUnapplied} is the number of jobs); {@link FenceResult#FENCED}: the entity carries a
   *     newer fence (seen by the read or refused by the write) and the jobs from {@code
   *     firstUnapplied} on were not written
   * @param firstUnapplied the first job the last round found unapplied
   * @param entityFence the fence the entity carried when the loop ended, as far as it is known
   */
  public record Outcome(FenceResult result, int firstUnapplied, long entityFence) {
    /**
     * What a {@link FenceResult#FENCED} outcome refused, for {@code JobContext.fenced(what)}: the
     * entity, its table, the fence it carries and the batch's size, so that the one line a fenced
     * batch logs names all of them.
     *
     * <pre>{@code
     * case FENCED -> throw context.fenced(outcome.fencedWhat("sku " + sku, table, jobs.size()));
     * }</pre>
     *
     * @param entity the entity written, e.g. {@code "sku sku-42"}
     * @param table the table holding it
     * @param jobs the jobs of the coalesced write
     */
    public String fencedWhat(String entity, String table, int jobs) {
      return entity
          + " in table "
          + table
          + " carries fence "
          + entityFence
          + " (a batch of "
          + jobs
          + " jobs)";
    }
  }

  /**
   * Runs the loop for jobs of sequence numbers {@code seqs} (in order), under {@code heldFence}.
   *
   * @return the outcome, or empty if the entity changed under each of {@code maxRounds} rounds
   * @throws IllegalArgumentException if {@code seqs} is empty or {@code maxRounds} is below 1
   */
  public static <S> Optional<Outcome> apply(
      DynamoDbFence fence,
      long heldFence,
      List<String> seqs,
      int maxRounds,
      Reader<S> reader,
      Decider<S> decider) {
    return apply(fence, heldFence, seqs, maxRounds, null, reader, decider);
  }

  /**
   * Runs the loop after one optimistic write: {@code allApplied}'s write, fenced from the first job
   * to the last, sent before any read. When it is applied (the common case: no job of the batch was
   * applied yet, none is refused by the state, no newer fence) the batch costs one write and no
   * read. When its condition fails, or it answers {@code DUPLICATE} or {@code FENCED}, nothing was
   * written and the read-decide-write rounds decide as {@link #apply( DynamoDbFence, long, List,
   * int, Reader, Decider)} does, from a read that also says which jobs were applied and which fence
   * the entity carries.
   *
   * @param allApplied the write assuming every job applies, or null to read first
   * @return the outcome, or empty if the entity changed under each of {@code maxRounds} rounds
   *     after the optimistic write
   * @throws IllegalArgumentException if {@code seqs} is empty or {@code maxRounds} is below 1
   */
  public static <S> Optional<Outcome> apply(
      DynamoDbFence fence,
      long heldFence,
      List<String> seqs,
      int maxRounds,
      AllApplied allApplied,
      Reader<S> reader,
      Decider<S> decider) {
    if (seqs.isEmpty() || maxRounds < 1) {
      throw new IllegalArgumentException(
          "a coalesced write needs jobs and at least one round, got "
              + seqs.size()
              + " jobs and "
              + maxRounds
              + " rounds");
    }
    if (allApplied != null && optimisticWriteApplied(fence, heldFence, seqs, allApplied)) {
      return Optional.of(new Outcome(FenceResult.APPLIED, 0, heldFence));
    }
    for (int round = 1; round <= maxRounds; round++) {
      Snapshot<S> read = reader.read();
      if (read.fence() > heldFence) {
        return Optional.of(new Outcome(FenceResult.FENCED, 0, read.fence()));
      }
      int from = firstUnapplied(seqs, read.seq());
      if (from == seqs.size()) {
        return Optional.of(new Outcome(FenceResult.DUPLICATE, from, read.fence()));
      }
      UpdateItemRequest request = decider.decide(read.state(), from);
      FenceResult result;
      try {
        result =
            fence.updateBatch(
                request,
                new FenceToken(heldFence, seqs.get(from)),
                new FenceToken(heldFence, seqs.getLast()));
      } catch (ConditionalCheckFailedException e) {
        continue; // The state moved since the read, under an older or the same fence.
      }
      switch (result) {
        case APPLIED -> {
          return Optional.of(new Outcome(FenceResult.APPLIED, from, heldFence));
        }
        case FENCED -> {
          return Optional.of(new Outcome(FenceResult.FENCED, from, read.fence()));
        }
        case DUPLICATE -> {
          // Some of the jobs were applied since the read: decide again from the entity.
        }
      }
    }
    return Optional.empty();
  }

  private static boolean optimisticWriteApplied(
      DynamoDbFence fence, long heldFence, List<String> seqs, AllApplied allApplied) {
    try {
      // DUPLICATE and FENCED wrote nothing; the read of the next round says how far and by whom.
      return fence.updateBatch(
              allApplied.write(),
              new FenceToken(heldFence, seqs.getFirst()),
              new FenceToken(heldFence, seqs.getLast()))
          == FenceResult.APPLIED;
    } catch (ConditionalCheckFailedException e) {
      return false; // The state refuses some job: decide them one by one from a read.
    }
  }

  /**
   * The index of the first of {@code seqs} (in order) above {@code recordedSeq}, the seq an entity
   * records: the jobs before it were applied already. {@code seqs.size()} if all were; 0 if {@code
   * recordedSeq} is null.
   */
  public static int firstUnapplied(List<String> seqs, String recordedSeq) {
    if (recordedSeq == null) {
      return 0;
    }
    BigInteger applied = new BigInteger(recordedSeq);
    int from = 0;
    while (from < seqs.size() && new BigInteger(seqs.get(from)).compareTo(applied) <= 0) {
      from++;
    }
    return from;
  }
}
