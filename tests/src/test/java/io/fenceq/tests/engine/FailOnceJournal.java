package io.fenceq.tests.engine;

import io.fenceq.consumer.HandlerFactory;
import io.fenceq.consumer.HandlerResources;
import io.fenceq.engine.JobHandler;
import io.fenceq.examples.inventory.InventoryHandlers;
import io.fenceq.fence.FenceResult;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * {@link StepJournal} whose listed jobs fail on their first run, for a function that loads its
 * handlers by class name ({@code FENCEQ_HANDLER=io.fenceq.tests.engine.FailOnceJournal}). The lists
 * are static because the function makes its own instance; job ids keep tests apart.
 */
public final class FailOnceJournal implements HandlerFactory {
  /** Job ids whose next run fails; a run that fails removes its id. */
  static final Set<String> FAIL_ONCE = ConcurrentHashMap.newKeySet();

  /** The delivery ({@code attempt}) on which each job took effect, by job id. */
  static final Map<String, List<Integer>> APPLIED_ON = new ConcurrentHashMap<>();

  @Override
  public Map<String, JobHandler> handlers(HandlerResources resources) {
    String table =
        java.util.Optional.ofNullable(
                resources.environment().get(InventoryHandlers.INVENTORY_TABLE))
            .orElseThrow(
                () -> new IllegalStateException(InventoryHandlers.INVENTORY_TABLE + " is not set"));
    StepJournal journal =
        new StepJournal(
            resources.dynamoDb(),
            table,
            (job, result) -> {
              if (result == FenceResult.APPLIED) {
                APPLIED_ON
                    .computeIfAbsent(job.jobId(), id -> new CopyOnWriteArrayList<>())
                    .add(job.attempt());
              }
            });
    return Map.of(
        StepJournal.TYPE,
        (job, context) -> {
          if (FAIL_ONCE.remove(job.jobId())) {
            throw new IllegalStateException("job " + job.jobId() + " fails its first run");
          }
          journal.step(job, context);
        });
  }
}
