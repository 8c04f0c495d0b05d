package io.fenceq.engine.internal;

import io.fenceq.engine.Job;
import io.fenceq.engine.JobHandler;
import io.fenceq.ring.Lane;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * One message of a lane-batch as read before anything runs: either a job with its handler, or a
 * message that can never succeed, with the reason.
 *
 * @param index its place in the lane-batch, the settlement's index
 * @param key the job's key, or null if its envelope could not be read
 * @param type the job's type, or {@code unknown}
 * @param job the job, or null for a message that can never succeed
 * @param handler the job's handler, or null with {@code job}
 * @param problem why the message can never succeed, or null for a job
 * @param epoch the ring epoch stamped on it (0 if none)
 * @param waitFor the old lane whose barrier must pass before the job runs, or null
 * @param fenceEpoch the epoch its downstream fence is composed with (see {@link
 *     io.fenceq.reshard.internal.EpochRule#fenceEpoch}); 0 for a consumer that does not follow
 *     epochs
 */
record LaneEntry(
    int index,
    Message message,
    String key,
    String type,
    Job job,
    JobHandler handler,
    String problem,
    long epoch,
    Lane waitFor,
    long fenceEpoch) {

  static LaneEntry job(int index, Message message, Job job, JobHandler handler, long fenceEpoch) {
    return new LaneEntry(
        index, message, job.key(), job.type(), job, handler, null, 0, null, fenceEpoch);
  }

  /** A job that runs once the barrier of {@code waitFor} has passed. */
  static LaneEntry held(
      int index,
      Message message,
      Job job,
      JobHandler handler,
      long epoch,
      Lane waitFor,
      long fenceEpoch) {
    return new LaneEntry(
        index, message, job.key(), job.type(), job, handler, null, epoch, waitFor, fenceEpoch);
  }

  static LaneEntry refused(int index, Message message, String key, String type, String problem) {
    return new LaneEntry(index, message, key, type, null, null, problem, 0, null, 0);
  }
}
