package io.fenceq.tests.functions;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * Runs in a fresh JVM whose class path is the deployment package (plus the Lambda runtime's event
 * deserializer) and does what the Lambda Java runtime does at a cold start: constructs the handler
 * with its no-argument constructor (configuration from the process environment), reads one event
 * with the runtime's serializer and handles it. Prints one line: {@code coldstart init_ms=...
 * first_event_ms=... result=...}, times counted from the JVM process's start.
 *
 * <p>Arguments: the handler class, the event file, and {@code plain} or {@code primed} (run the
 * SnapStart {@code beforeCheckpoint} hook after construction, and count the first event from after
 * it, as a function restored from a snapshot would).
 */
public final class ColdStartProbe {
  private ColdStartProbe() {}

  public static void main(String[] args) throws Exception {
    Instant jvmStart = ProcessHandle.current().info().startInstant().orElseThrow();
    Class<?> type = Class.forName(args[0]);
    String event = Files.readString(Path.of(args[1]));
    boolean primed = args.length > 2 && args[2].equals("primed");

    @SuppressWarnings("unchecked")
    RequestHandler<Object, Object> handler =
        (RequestHandler<Object, Object>) type.getConstructor().newInstance();
    long initMs = Duration.between(jvmStart, Instant.now()).toMillis();
    if (primed) {
      ((org.crac.Resource) handler).beforeCheckpoint(null);
    }
    long firstEventStart = System.nanoTime();
    Object input =
        LambdaEventSerializers.serializerFor(inputType(type), ColdStartProbe.class.getClassLoader())
            .fromJson(event);
    Object result = handler.handleRequest(input, TestContext.of(type.getSimpleName()));
    long eventMs = Duration.ofNanos(System.nanoTime() - firstEventStart).toMillis();
    long totalMs = Duration.between(jvmStart, Instant.now()).toMillis();
    System.out.println(
        "coldstart init_ms="
            + initMs
            + " first_event_ms="
            + eventMs
            + " total_ms="
            + totalMs
            + " result="
            + result);
    System.exit(0);
  }

  private static Class<?> inputType(Class<?> handler) {
    for (Type t : handler.getGenericInterfaces()) {
      if (t instanceof ParameterizedType p && p.getRawType() == RequestHandler.class) {
        return (Class<?>) p.getActualTypeArguments()[0];
      }
    }
    throw new IllegalArgumentException(handler + " is not a RequestHandler");
  }
}
