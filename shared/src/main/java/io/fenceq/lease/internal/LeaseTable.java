package io.fenceq.lease.internal;

import io.fenceq.lease.LeaseException;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DescribeTimeToLiveResponse;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveDescription;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

/**
 * The DynamoDB side of the lease table: one conditional {@code UpdateItem} per call, always with
 * {@code ReturnValues=ALL_NEW} and {@code ReturnValuesOnConditionCheckFailure=ALL_OLD}, so that
 * both a grant and a refusal come back with the item they were decided on.
 */
public final class LeaseTable {
  private static final Pattern NAME_PLACEHOLDER = Pattern.compile("#([A-Za-z][A-Za-z0-9]*)");

  private final DynamoDbClient dynamoDb;
  private final String table;

  public LeaseTable(DynamoDbClient dynamoDb, String table) {
    this.dynamoDb = dynamoDb;
    this.table = table;
  }

  public String name() {
    return table;
  }

  /**
   * The outcome of one conditional write.
   *
   * @param applied whether the condition held and the update was made
   * @param item the item after the update if applied, the item that failed the condition if not
   */
  public record Outcome(boolean applied, LeaseItem item) {}

  /**
   * Sends one conditional update of the item {@code leaseId}. Placeholders {@code #name} in the
   * expressions stand for the attribute {@code name}; DynamoDB refuses unused placeholders, so only
   * the ones the expressions use are sent.
   *
   * @param what the action for error messages, e.g. {@code "renew of lease lane#0042 by w-1 at
   *     fence 7"}
   */
  public Outcome update(
      String leaseId,
      String updateExpression,
      String conditionExpression,
      Map<String, AttributeValue> values,
      String what) {
    UpdateItemResponse response;
    try {
      response =
          dynamoDb.updateItem(
              r ->
                  r.tableName(table)
                      .key(Map.of(LeaseItem.ID, AttributeValue.fromS(leaseId)))
                      .updateExpression(updateExpression)
                      .conditionExpression(conditionExpression)
                      .expressionAttributeNames(names(updateExpression, conditionExpression))
                      .expressionAttributeValues(values)
                      .returnValues(ReturnValue.ALL_NEW)
                      .returnValuesOnConditionCheckFailure(
                          ReturnValuesOnConditionCheckFailure.ALL_OLD));
    } catch (ConditionalCheckFailedException e) {
      return new Outcome(false, LeaseItem.from(e.hasItem() ? e.item() : null));
    } catch (SdkException e) {
      throw translate(e, what);
    }
    return new Outcome(true, LeaseItem.from(response.attributes()));
  }

  /**
   * Refuses a table that would delete lease items by TTL: a deleted item restarts its fence
   * counter, and a restarted counter lets a zombie's old fence pass downstream checks again. Also
   * fails fast, naming the table, when the table does not exist.
   */
  public void checkNoTimeToLive() {
    DescribeTimeToLiveResponse response;
    try {
      response = dynamoDb.describeTimeToLive(r -> r.tableName(table));
    } catch (SdkException e) {
      throw translate(e, "checking the time-to-live setting");
    }
    TimeToLiveDescription ttl = response.timeToLiveDescription();
    if (ttl == null || ttl.attributeName() == null) {
      return;
    }
    TimeToLiveStatus status = ttl.timeToLiveStatus();
    boolean active = status == TimeToLiveStatus.ENABLED || status == TimeToLiveStatus.ENABLING;
    if (active && LeaseItem.ATTRIBUTES.contains(ttl.attributeName())) {
      throw new LeaseException(
          "lease table "
              + table
              + " has time to live "
              + status
              + " on attribute "
              + ttl.attributeName()
              + ", which lease items carry: DynamoDB would delete lease items (a released one"
              + " has expiresAt 0), restarting their fence counters so that a zombie's old fence"
              + " passes again. Disable time to live on this table.");
    }
  }

  private LeaseException translate(SdkException e, String what) {
    if (e instanceof ResourceNotFoundException) {
      return new LeaseException(
          "lease table " + table + " does not exist (" + what + "): " + firstLine(e), e);
    }
    String code =
        e instanceof AwsServiceException ase && ase.awsErrorDetails() != null
            ? ase.awsErrorDetails().errorCode()
            : e.getClass().getSimpleName();
    Integer attempts = e.numAttempts();
    return new LeaseException(
        "DynamoDB failed "
            + what
            + " in lease table "
            + table
            + (attempts == null ? "" : " after " + attempts + " attempt(s)")
            + ": "
            + code
            + ": "
            + firstLine(e),
        e);
  }

  private static Map<String, String> names(String... expressions) {
    Map<String, String> names = new HashMap<>();
    for (String expression : expressions) {
      Matcher m = NAME_PLACEHOLDER.matcher(expression);
      while (m.find()) {
        names.put(m.group(), m.group(1));
      }
    }
    return names;
  }

  private static String firstLine(Exception e) {
    String message = e.getMessage();
    if (message == null) {
      return "";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }
}
