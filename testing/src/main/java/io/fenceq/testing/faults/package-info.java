/**
 * Fault injectors for proving fenceq's promises (no double booking, no lost job) under crashes,
 * pauses, partitions, clock skew and throttling, on the embedded emulators or any endpoint. Each
 * injector is driven explicitly or by a seed (no hidden randomness), counts what it injected, is
 * thread-safe, and names its threads {@code fenceq-...} (daemons) where it has any.
 *
 * <table>
 *   <caption>What each fault models, and what it does not</caption>
 *   <tr><th>injector</th><th>models</th><th>does not model</th></tr>
 *   <tr><td>{@link io.fenceq.testing.faults.CrashSwitch}</td>
 *       <td>an in-process worker dying: every AWS call fails at once, unretried, so it cannot
 *       release, delete, return or write; leases and visibility run out as after a kill</td>
 *       <td>its threads: they run on until the worker is shut down (which then changes nothing
 *       in AWS); effects outside the clients it is installed on, unless handlers are wrapped</td></tr>
 *   <tr><td>{@link io.fenceq.testing.faults.PauseGate}</td>
 *       <td>a stop-the-world pause of one in-process worker: its AWS calls wait before sending and
 *       before reading an answer, its handlers wait at entry, then all resume with the fences
 *       they held (the zombie)</td>
 *       <td>CPU-bound code between calls and the engine's timers, which keep running; SDK call
 *       timeouts keep counting. For a whole-process freeze use {@code ProcessFaults.stop}</td></tr>
 *   <tr><td>{@link io.fenceq.testing.faults.FaultProxy}</td>
 *       <td>latency and partitions between a process and one endpoint (any TCP protocol), at the
 *       TCP level: a drop loses bytes and resets the connections that lost some when it ends; a
 *       hold keeps them and delivers them late, in order (the healed split, the late write); a
 *       retarget follows a failover to another address</td>
 *       <td>packet loss with retransmission, bandwidth limits, one-way partitions</td></tr>
 *   <tr><td>{@link io.fenceq.testing.faults.ThrottleInterceptor}</td>
 *       <td>AWS throttling (400) and server errors (500, 503) as the services send them, either
 *       before the server sees the request or after it applied it (the ambiguous 5xx)</td>
 *       <td>the services' real rate limits or adaptive backoff on the server side</td></tr>
 *   <tr><td>{@link io.fenceq.testing.faults.SkewedClock}</td>
 *       <td>a wall clock ahead or behind by a fixed, settable or seeded offset</td>
 *       <td>drift of the monotonic {@link io.fenceq.time.Ticker}, which fenceq uses for
 *       durations</td></tr>
 *   <tr><td>{@link io.fenceq.testing.faults.ProcessFaults}, {@link io.fenceq.testing.faults.WorkerJvm}</td>
 *       <td>SIGKILL, SIGSTOP and SIGCONT of workers (or any main class) running as JVMs of their
 *       own, started by the one launcher, {@code WorkerJvm}</td>
 *       <td>machine or network failures of those processes (combine with a FaultProxy)</td></tr>
 * </table>
 *
 * <p>In-process workers get their faults through their SDK clients, built with {@code
 * io.fenceq.aws.AwsClients.Options}:
 *
 * <pre>{@code
 * PauseGate gate = PauseGate.named("w1");
 * CrashSwitch crash = CrashSwitch.named("w1");
 * ThrottleInterceptor throttle = ThrottleInterceptor.builder().seed(7).rate(0.05).build();
 * FaultProxy dynamoDbLink = FaultProxy.start("dynamodb-w1", aws.dynamoDbEndpoint());
 * AwsClients.Options options =
 *     throttle.addTo(AwsClients.Options.builder())
 *         .interceptor(crash)
 *         .interceptor(gate)
 *         .apiCallAttemptTimeout(Duration.ofSeconds(2))
 *         .build();
 * DynamoDbClient dynamoDb = AwsClients.dynamoDb(
 *     new AwsClients.Target(null, dynamoDbLink.endpoint(), aws.region(), aws.credentialsProvider()),
 *     options);
 * }</pre>
 *
 * <p>Interceptor order matters where faults combine: the SDK calls before-hooks in the order the
 * interceptors were added and after-hooks in reverse.
 */
package io.fenceq.testing.faults;
