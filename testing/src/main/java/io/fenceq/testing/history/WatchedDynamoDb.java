package io.fenceq.testing.history;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * A {@link DynamoDbClient} that tells a listener of every write to the watched tables, accepted or
 * possibly accepted. A dynamic proxy, so that it follows every method of the SDK's interface: the
 * consumer-builder forms run as the interface defines them, ending in the request forms, which go
 * to the real client and are the ones watched.
 */
final class WatchedDynamoDb implements InvocationHandler {
  /** Told of each write: the table, and whether it certainly took effect. */
  interface Listener {
    void write(String table, boolean certain);
  }

  private final DynamoDbClient client;
  private final Set<String> tables;
  private final Listener listener;

  private WatchedDynamoDb(DynamoDbClient client, Set<String> tables, Listener listener) {
    this.client = client;
    this.tables = tables;
    this.listener = listener;
  }

  static DynamoDbClient wrap(DynamoDbClient client, List<String> tables, Listener listener) {
    return (DynamoDbClient)
        Proxy.newProxyInstance(
            WatchedDynamoDb.class.getClassLoader(),
            new Class<?>[] {DynamoDbClient.class},
            new WatchedDynamoDb(client, new LinkedHashSet<>(tables), listener));
  }

  @Override
  public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
    if (method.getDeclaringClass() == Object.class) {
      return switch (method.getName()) {
        case "equals" -> proxy == args[0];
        case "hashCode" -> System.identityHashCode(proxy);
        default -> "watched " + client;
      };
    }
    Object request = args != null && args.length == 1 ? args[0] : null;
    Set<String> written = request == null ? Set.of() : watchedTables(request);
    if (request instanceof Consumer<?>) {
      // A consumer-builder form: it builds the request and calls the request form, watched here.
      return InvocationHandler.invokeDefault(proxy, method, args);
    }
    Object result;
    try {
      result = method.invoke(client, args);
    } catch (InvocationTargetException e) {
      Throwable cause = e.getCause();
      if (!written.isEmpty() && mayHaveTakenEffect(cause)) {
        written.forEach(table -> listener.write(table, false));
      }
      throw cause;
    }
    written.forEach(table -> listener.write(table, true));
    return result;
  }

  /**
   * A refusal from DynamoDB (a failed condition, a cancelled transaction, a validation error) wrote
   * nothing; a call without an answer, or a server error, may have.
   */
  private static boolean mayHaveTakenEffect(Throwable failure) {
    return !(failure instanceof AwsServiceException service)
        || service.statusCode() == 0
        || service.statusCode() >= 500;
  }

  private Set<String> watchedTables(Object request) {
    Set<String> written = new LinkedHashSet<>();
    switch (request) {
      case PutItemRequest put -> add(written, put.tableName());
      case UpdateItemRequest update -> add(written, update.tableName());
      case DeleteItemRequest delete -> add(written, delete.tableName());
      case BatchWriteItemRequest batch ->
          batch.requestItems().keySet().forEach(t -> add(written, t));
      case TransactWriteItemsRequest transaction -> {
        for (TransactWriteItem item : transaction.transactItems()) {
          if (item.put() != null) {
            add(written, item.put().tableName());
          } else if (item.update() != null) {
            add(written, item.update().tableName());
          } else if (item.delete() != null) {
            add(written, item.delete().tableName());
          }
        }
      }
      default -> {}
    }
    return written;
  }

  private void add(Set<String> written, String table) {
    if (tables.contains(table)) {
      written.add(table);
    }
  }
}
