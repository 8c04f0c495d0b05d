package io.fenceq.local.demo;

import io.fenceq.consumer.ConsumerConfig;
import io.fenceq.examples.inventory.InventoryHandlers;
import io.fenceq.testing.faults.FaultProxy;
import io.fenceq.testing.faults.WorkerJvm;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsCredentials;

/**
 * The workers of a {@code --process-workers} run: each a {@code fenceq worker} JVM running {@link
 * DemoHandlers}, configured only by its environment, with (under partitions) its own {@link
 * FaultProxy} pair in this process, reached through {@code AWS_ENDPOINT_URL_SQS} and {@code
 * AWS_ENDPOINT_URL_DYNAMODB}. Thread-safe.
 */
final class WorkerProcesses implements AutoCloseable {
  /** One worker process and its proxies. */
  record Member(String name, WorkerJvm jvm, List<FaultProxy> proxies) {}

  private final DemoOptions options;
  private final DemoTarget target;
  private final FaultPoints points;
  private final boolean proxied;
  private final Map<String, Member> live = new LinkedHashMap<>();
  private final List<Member> gone = new ArrayList<>();
  private int started;

  WorkerProcesses(DemoOptions options, DemoTarget target, FaultPoints points) {
    this.options = options;
    this.target = target;
    this.points = points;
    this.proxied = options.faults().contains(Fault.PARTITION);
  }

  /** Starts one more worker JVM; it joins the run once it has started (a few seconds). */
  synchronized Member start() {
    String name = "w" + ++started;
    List<FaultProxy> proxies = new ArrayList<>();
    URI sqs = target.sqsEndpoint();
    URI dynamoDb = target.dynamoDbEndpoint();
    if (proxied) {
      FaultProxy sqsProxy = FaultProxy.start(name + "-sqs", sqs);
      FaultProxy dynamoDbProxy = FaultProxy.start(name + "-dynamodb", dynamoDb);
      proxies.add(sqsProxy);
      proxies.add(dynamoDbProxy);
      sqs = sqsProxy.endpoint();
      dynamoDb = dynamoDbProxy.endpoint();
    }
    WorkerJvm jvm =
        WorkerJvm.builder()
            .name(name)
            .environment(environment(name, sqs, dynamoDb))
            .outputDirectory(points.directory())
            .start();
    Member member = new Member(name, jvm, List.copyOf(proxies));
    live.put(name, member);
    return member;
  }

  private Map<String, String> environment(String name, URI sqs, URI dynamoDb) {
    DemoStack stack = target.stack();
    AwsCredentials credentials = target.credentials().resolveCredentials();
    Map<String, String> env = new HashMap<>();
    env.put(ConsumerConfig.QUEUE_URL, stack.workQueueUrl());
    env.put(ConsumerConfig.DLQ_URL, stack.dlqUrl());
    env.put(ConsumerConfig.LEASE_TABLE, stack.leaseTable());
    env.put(ConsumerConfig.LANES, Integer.toString(stack.lanes()));
    if (options.reshards()) {
      env.put(ConsumerConfig.RING_EPOCHS, "true");
    }
    env.put(ConsumerConfig.LEASE_SECONDS, Long.toString(options.lease().toSeconds()));
    env.put(ConsumerConfig.SHUTDOWN_SECONDS, Long.toString(options.lease().toSeconds()));
    env.put(
        ConsumerConfig.RECEIVE_WAIT_SECONDS, Long.toString(DemoRunner.RECEIVE_WAIT.toSeconds()));
    env.put(ConsumerConfig.HANDLER, DemoHandlers.class.getName());
    env.put(InventoryHandlers.INVENTORY_TABLE, stack.inventoryTable());
    env.put(DemoHandlers.WORKER, name);
    env.put(DemoHandlers.FENCING, options.fencing() == Fencing.ON ? "on" : "off");
    env.put(DemoHandlers.FAULT_DIR, points.directory().toString());
    env.put("AWS_REGION", target.region().id());
    env.put("AWS_ACCESS_KEY_ID", credentials.accessKeyId());
    env.put("AWS_SECRET_ACCESS_KEY", credentials.secretAccessKey());
    env.put("AWS_ENDPOINT_URL_SQS", sqs.toString());
    env.put("AWS_ENDPOINT_URL_DYNAMODB", dynamoDb.toString());
    return env;
  }

  synchronized List<Member> live() {
    return List.copyOf(live.values());
  }

  synchronized Optional<Member> member(String name) {
    return Optional.ofNullable(live.get(name));
  }

  /** Takes a killed worker out of the run and starts its replacement. */
  synchronized void replace(Member killed) {
    if (live.remove(killed.name()) != null) {
      gone.add(killed);
      start();
    }
  }

  /**
   * Stops every worker as ECS would (SIGTERM, then SIGKILL after the grace period) and closes the
   * proxies. Idempotent.
   */
  @Override
  public void close() {
    List<Member> all;
    synchronized (this) {
      all = new ArrayList<>(gone);
      all.addAll(live.values());
      gone.addAll(live.values());
      live.clear();
    }
    all.forEach(m -> m.jvm().terminate());
    Duration grace = options.lease().plusSeconds(10);
    for (Member m : all) {
      try {
        m.jvm().awaitExit(grace);
      } catch (IllegalStateException e) {
        // Did not stop within the grace period: SIGKILL below, as ECS would.
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      m.jvm().close();
      m.proxies().forEach(FaultProxy::close);
    }
  }
}
