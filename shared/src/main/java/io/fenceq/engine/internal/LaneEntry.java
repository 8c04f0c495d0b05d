package io.fenceq.engine.internal;

import io.fenceq.engine.Job;
import io.fenceq.engine.JobHandler;
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
 */
record LaneEntry(
    int index,
    Message message,
    String key,
    String type,
    Job job,
    JobHandler handler,
    String problem) {

  static LaneEntry job(int index, Message message, Job job, JobHandler handler) {
    return new LaneEntry(index, message, job.key(), job.type(), job, handler, null);
  }

  static LaneEntry refused(int index, Message message, String key, String type, String problem) {
    return new LaneEntry(index, message, key, type, null, null, problem);
  }
}
