package io.fenceq.tests.functions;

import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fenceq.queue.internal.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The sample events of {@code events/}, read the way the Lambda Java runtime reads an invocation's
 * payload (its own serializer), so that the handler tests and {@code sam local invoke} use the same
 * files and the files cannot drift from what the handlers accept.
 */
public final class LambdaEvents {
  private LambdaEvents() {}

  /** The repository's {@code events/} directory, found from the working directory upwards. */
  public static Path dir() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      Path events = p.resolve("events");
      if (Files.isRegularFile(events.resolve("consumer-fifo-batch.json"))) {
        return events;
      }
    }
    throw new IllegalStateException("no events/ directory above " + Path.of("").toAbsolutePath());
  }

  /** {@code events/<name>} as a JSON tree, to be changed before {@link #as}. */
  public static ObjectNode tree(String name) {
    try {
      return (ObjectNode) Json.MAPPER.readTree(Files.readString(dir().resolve(name)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code events/<name>} as the handler's input type. */
  public static <T> T read(String name, Class<T> type) {
    return as(tree(name), type);
  }

  /** A JSON event as the Lambda runtime would hand it to a handler. */
  public static <T> T as(JsonNode event, Class<T> type) {
    return LambdaEventSerializers.serializerFor(type, LambdaEvents.class.getClassLoader())
        .fromJson(event.toString());
  }
}
