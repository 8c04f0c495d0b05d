package io.fenceq.local.template.internal;

import io.fenceq.local.template.TemplateException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.waiters.WaiterResponse;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.DescribeTableResponse;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.LocalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughput;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveDescription;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;
import software.amazon.awssdk.services.dynamodb.waiters.DynamoDbWaiter;

/**
 * Creates an {@code AWS::DynamoDB::Table} from its resolved properties, or reuses the table of that
 * name, waits until it is {@code ACTIVE} and applies its {@code TimeToLiveSpecification}.
 *
 * <p>TTL is applied, not skipped, because DynamoDB Local enforces it like AWS: a local run must
 * delete exactly what AWS would delete. A reused table whose key schema differs from the template
 * is refused: writes meant for one key would silently land on another.
 */
public final class TableProvisioner {
  private static final Logger log = LoggerFactory.getLogger(TableProvisioner.class);

  /** The CloudFormation type this provisions. */
  public static final String TYPE = "AWS::DynamoDB::Table";

  /** Properties read from the template; every other one is skipped. */
  public static final Set<String> SUPPORTED =
      Set.of(
          "TableName",
          "AttributeDefinitions",
          "KeySchema",
          "BillingMode",
          "ProvisionedThroughput",
          "GlobalSecondaryIndexes",
          "LocalSecondaryIndexes",
          "TimeToLiveSpecification");

  private static final Duration ACTIVE_POLL = Duration.ofMillis(200);
  private static final int ACTIVE_POLLS = 300;

  private final DynamoDbClient dynamoDb;

  /** A provisioner creating tables through {@code dynamoDb}. */
  public TableProvisioner(DynamoDbClient dynamoDb) {
    this.dynamoDb = dynamoDb;
  }

  /** {@code TableName}, or {@code <stack>-<logicalId>}: stable, so provisioning is repeatable. */
  public static String tableName(String stackName, String logicalId, PropertyReader properties) {
    return properties.optionalText("TableName").orElse(stackName + "-" + logicalId);
  }

  /** The {@code CreateTable} request the properties describe. */
  public static CreateTableRequest createTableRequest(String tableName, PropertyReader properties) {
    String billingMode = properties.optionalText("BillingMode").orElse("PROVISIONED");
    if (!billingMode.equals("PROVISIONED") && !billingMode.equals("PAY_PER_REQUEST")) {
      throw new TemplateException(
          properties.site().at("BillingMode")
              + ": expected PROVISIONED or PAY_PER_REQUEST, got '"
              + billingMode
              + "'");
    }
    boolean provisioned = billingMode.equals("PROVISIONED");
    CreateTableRequest.Builder request =
        CreateTableRequest.builder()
            .tableName(tableName)
            .billingMode(BillingMode.fromValue(billingMode))
            .attributeDefinitions(
                properties.maps("AttributeDefinitions").stream()
                    .map(
                        definition ->
                            AttributeDefinition.builder()
                                .attributeName(definition.text("AttributeName"))
                                .attributeType(definition.text("AttributeType"))
                                .build())
                    .toList())
            .keySchema(keySchema(properties));
    if (provisioned) {
      request.provisionedThroughput(throughput(properties));
    }
    List<GlobalSecondaryIndex> global =
        properties.maps("GlobalSecondaryIndexes").stream()
            .map(
                index -> {
                  GlobalSecondaryIndex.Builder builder =
                      GlobalSecondaryIndex.builder()
                          .indexName(index.text("IndexName"))
                          .keySchema(keySchema(index))
                          .projection(projection(index));
                  if (provisioned) {
                    builder.provisionedThroughput(throughput(index));
                  }
                  return builder.build();
                })
            .toList();
    if (!global.isEmpty()) {
      request.globalSecondaryIndexes(global);
    }
    List<LocalSecondaryIndex> local =
        properties.maps("LocalSecondaryIndexes").stream()
            .map(
                index ->
                    LocalSecondaryIndex.builder()
                        .indexName(index.text("IndexName"))
                        .keySchema(keySchema(index))
                        .projection(projection(index))
                        .build())
            .toList();
    if (!local.isEmpty()) {
      request.localSecondaryIndexes(local);
    }
    return request.build();
  }

  private static List<KeySchemaElement> keySchema(PropertyReader properties) {
    List<PropertyReader> keys = properties.maps("KeySchema");
    if (keys.isEmpty()) {
      throw new TemplateException(properties.site().at("KeySchema") + ": is required");
    }
    return keys.stream()
        .map(
            key ->
                KeySchemaElement.builder()
                    .attributeName(key.text("AttributeName"))
                    .keyType(key.text("KeyType"))
                    .build())
        .toList();
  }

  private static ProvisionedThroughput throughput(PropertyReader properties) {
    PropertyReader throughput = properties.map("ProvisionedThroughput");
    return ProvisionedThroughput.builder()
        .readCapacityUnits(throughput.wholeNumber("ReadCapacityUnits"))
        .writeCapacityUnits(throughput.wholeNumber("WriteCapacityUnits"))
        .build();
  }

  private static Projection projection(PropertyReader index) {
    PropertyReader projection = index.map("Projection");
    Projection.Builder builder =
        Projection.builder()
            .projectionType(projection.optionalText("ProjectionType").orElse("KEYS_ONLY"));
    List<String> nonKey = projection.texts("NonKeyAttributes");
    if (!nonKey.isEmpty()) {
      builder.nonKeyAttributes(nonKey);
    }
    return builder.build();
  }

  /**
   * Creates (or reuses) the table, waits for it and applies its TTL specification.
   *
   * @throws TemplateException naming the resource and the table if DynamoDB refuses, or if an
   *     existing table has another key schema
   */
  public ResourceValues provision(String logicalId, String stackName, PropertyReader properties) {
    String name = tableName(stackName, logicalId, properties);
    CreateTableRequest request = createTableRequest(name, properties);
    try {
      boolean created = create(request);
      TableDescription table = waitUntilActive(logicalId, name);
      if (!created && !table.keySchema().equals(request.keySchema())) {
        throw new TemplateException(
            "resource "
                + logicalId
                + ": table "
                + name
                + " exists with key schema "
                + describe(table.keySchema())
                + " but the template declares "
                + describe(request.keySchema()));
      }
      properties
          .optionalMap("TimeToLiveSpecification")
          .ifPresent(ttl -> applyTimeToLive(logicalId, name, ttl));
      log.info(
          "table ready resource={} table={} {}", logicalId, name, created ? "created" : "reused");
      Map<String, String> attributes = new HashMap<>();
      attributes.put("Arn", table.tableArn());
      if (table.latestStreamArn() != null) {
        attributes.put("StreamArn", table.latestStreamArn());
      }
      return new ResourceValues(logicalId, TYPE, name, attributes);
    } catch (SdkException e) {
      throw new TemplateException(
          "resource " + logicalId + ": creating table " + name + " failed: " + e.getMessage(), e);
    }
  }

  private boolean create(CreateTableRequest request) {
    try {
      dynamoDb.createTable(request);
      return true;
    } catch (ResourceInUseException e) {
      return false;
    }
  }

  private TableDescription waitUntilActive(String logicalId, String name) {
    try (DynamoDbWaiter waiter =
        DynamoDbWaiter.builder()
            .client(dynamoDb)
            .overrideConfiguration(
                o ->
                    o.maxAttempts(ACTIVE_POLLS)
                        .backoffStrategyV2(BackoffStrategy.fixedDelay(ACTIVE_POLL)))
            .build()) {
      WaiterResponse<DescribeTableResponse> response =
          waiter.waitUntilTableExists(r -> r.tableName(name));
      return response
          .matched()
          .response()
          .map(DescribeTableResponse::table)
          .orElseThrow(
              () ->
                  new TemplateException(
                      "resource "
                          + logicalId
                          + ": table "
                          + name
                          + " did not become ACTIVE: "
                          + response.matched().exception().map(Throwable::getMessage).orElse("")));
    }
  }

  private void applyTimeToLive(String logicalId, String table, PropertyReader ttl) {
    boolean enabled = ttl.optionalBoolean("Enabled").orElse(false);
    String attribute = ttl.optionalText("AttributeName").orElse(null);
    if (enabled && attribute == null) {
      throw new TemplateException(ttl.site().at("AttributeName") + ": is required when Enabled");
    }
    TimeToLiveDescription current =
        dynamoDb.describeTimeToLive(r -> r.tableName(table)).timeToLiveDescription();
    boolean currentlyEnabled = current.timeToLiveStatus() == TimeToLiveStatus.ENABLED;
    if (enabled == currentlyEnabled && (!enabled || attribute.equals(current.attributeName()))) {
      return;
    }
    String applied = enabled ? attribute : current.attributeName();
    dynamoDb.updateTimeToLive(
        r ->
            r.tableName(table)
                .timeToLiveSpecification(s -> s.attributeName(applied).enabled(enabled)));
    log.info(
        "table ttl updated resource={} table={} attribute={} enabled={}",
        logicalId,
        table,
        applied,
        enabled);
  }

  private static String describe(List<KeySchemaElement> keySchema) {
    return keySchema.stream()
        .map(key -> key.attributeName() + " " + key.keyTypeAsString())
        .toList()
        .toString();
  }
}
