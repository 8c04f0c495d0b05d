package io.fenceq.testing;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DescribeTimeToLiveRequest;
import software.amazon.awssdk.services.dynamodb.model.DescribeTimeToLiveResponse;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveDescription;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

/**
 * An in-memory DynamoDB for unit tests: tables of items, conditional {@code UpdateItem} evaluated
 * by {@link Expressions} with DynamoDB's semantics, {@code GetItem}, {@code PutItem} and {@code
 * DescribeTimeToLive}. Every update request is recorded so tests can check what was sent. Tests of
 * the same rules against DynamoDB Local (the tests module) check that the two agree.
 */
public final class FakeDynamoDb implements DynamoDbClient {
  private final Map<String, Map<Map<String, AttributeValue>, Map<String, AttributeValue>>> tables =
      new HashMap<>();
  private final Map<String, String> ttlAttributes = new HashMap<>();
  private final List<UpdateItemRequest> updates = Collections.synchronizedList(new ArrayList<>());
  private final AtomicInteger failNext = new AtomicInteger();

  public synchronized FakeDynamoDb createTable(String name) {
    tables.putIfAbsent(name, new HashMap<>());
    return this;
  }

  /** Turns on time to live for {@code attribute} of {@code table}. */
  public synchronized FakeDynamoDb enableTimeToLive(String table, String attribute) {
    ttlAttributes.put(table, attribute);
    return this;
  }

  /** The next {@code count} updates fail as if the network were down. */
  public FakeDynamoDb failNextUpdates(int count) {
    failNext.set(count);
    return this;
  }

  /** Every update request received, in order, including refused and failed ones. */
  public List<UpdateItemRequest> updates() {
    synchronized (updates) {
      return List.copyOf(updates);
    }
  }

  /** The stored item, or an empty map. */
  public synchronized Map<String, AttributeValue> item(
      String table, Map<String, AttributeValue> key) {
    Map<String, AttributeValue> item = table(table).get(key);
    return item == null ? Map.of() : Map.copyOf(item);
  }

  @Override
  public synchronized UpdateItemResponse updateItem(UpdateItemRequest request) {
    if (Thread.currentThread().isInterrupted()) {
      // As the SDK does: a call on an interrupted thread is aborted before it is sent.
      throw AbortedException.builder().message("Thread was interrupted").build();
    }
    updates.add(request);
    if (failNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      throw software.amazon.awssdk.core.exception.SdkClientException.create(
          "Unable to execute HTTP request: connection refused (scripted)");
    }
    Map<Map<String, AttributeValue>, Map<String, AttributeValue>> items =
        table(request.tableName());
    Expressions expressions =
        new Expressions(request.expressionAttributeNames(), request.expressionAttributeValues());
    Expressions.Condition condition =
        request.conditionExpression() == null
            ? null
            : expressions.condition(request.conditionExpression());
    List<Expressions.Action> actions = expressions.update(request.updateExpression());
    expressions.checkAllPlaceholdersUsed();

    Map<String, AttributeValue> old = items.get(request.key());
    Map<String, AttributeValue> before = old == null ? Map.of() : old;
    if (condition != null && !condition.test(before)) {
      ConditionalCheckFailedException.Builder e =
          ConditionalCheckFailedException.builder().message("The conditional request failed");
      if (request.returnValuesOnConditionCheckFailure()
              == ReturnValuesOnConditionCheckFailure.ALL_OLD
          && old != null) {
        e.item(Map.copyOf(old));
      }
      throw e.build();
    }
    Map<String, AttributeValue> after = new HashMap<>(before);
    after.putAll(request.key());
    for (Expressions.Action action : actions) {
      action.apply(before, after);
    }
    items.put(Map.copyOf(request.key()), after);
    UpdateItemResponse.Builder response = UpdateItemResponse.builder();
    if (request.returnValues() == ReturnValue.ALL_NEW) {
      response.attributes(Map.copyOf(after));
    } else if (request.returnValues() == ReturnValue.ALL_OLD && old != null) {
      response.attributes(Map.copyOf(old));
    }
    return response.build();
  }

  @Override
  public synchronized GetItemResponse getItem(GetItemRequest request) {
    Map<String, AttributeValue> item = table(request.tableName()).get(request.key());
    return item == null
        ? GetItemResponse.builder().build()
        : GetItemResponse.builder().item(Map.copyOf(item)).build();
  }

  @Override
  public synchronized PutItemResponse putItem(PutItemRequest request) {
    Map<String, AttributeValue> item = new HashMap<>(request.item());
    Map<String, AttributeValue> key = new HashMap<>();
    // Tests use tables whose partition key is "id" or "pk".
    for (String k : List.of("id", "pk")) {
      if (item.containsKey(k)) {
        key.put(k, item.get(k));
      }
    }
    table(request.tableName()).put(Map.copyOf(key), item);
    return PutItemResponse.builder().build();
  }

  @Override
  public synchronized DescribeTimeToLiveResponse describeTimeToLive(
      DescribeTimeToLiveRequest request) {
    table(request.tableName());
    String attribute = ttlAttributes.get(request.tableName());
    TimeToLiveDescription description =
        attribute == null
            ? TimeToLiveDescription.builder().timeToLiveStatus(TimeToLiveStatus.DISABLED).build()
            : TimeToLiveDescription.builder()
                .timeToLiveStatus(TimeToLiveStatus.ENABLED)
                .attributeName(attribute)
                .build();
    return DescribeTimeToLiveResponse.builder().timeToLiveDescription(description).build();
  }

  private Map<Map<String, AttributeValue>, Map<String, AttributeValue>> table(String name) {
    Map<Map<String, AttributeValue>, Map<String, AttributeValue>> table = tables.get(name);
    if (table == null) {
      throw ResourceNotFoundException.builder()
          .message("Requested resource not found: Table: " + name + " not found")
          .build();
    }
    return table;
  }

  @Override
  public String serviceName() {
    return "dynamodb";
  }

  @Override
  public void close() {}
}
