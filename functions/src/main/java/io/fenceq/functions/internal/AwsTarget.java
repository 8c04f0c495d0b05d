package io.fenceq.functions.internal;

import io.fenceq.aws.AwsClients;
import io.fenceq.aws.AwsEnvironment;
import io.fenceq.functions.FunctionConfigException;
import java.util.Set;
import software.amazon.awssdk.regions.Region;

/**
 * Where a function's SDK clients go, read from its environment map with the SDK's own variable
 * names; see {@link AwsEnvironment}, which reads them for every consumer.
 */
public final class AwsTarget {
  public static final String ENDPOINT = AwsEnvironment.ENDPOINT;
  public static final String ENDPOINT_SQS = AwsEnvironment.ENDPOINT_SQS;
  public static final String ENDPOINT_DYNAMODB = AwsEnvironment.ENDPOINT_DYNAMODB;
  public static final String REGION = AwsEnvironment.REGION;
  public static final String ACCESS_KEY_ID = AwsEnvironment.ACCESS_KEY_ID;
  public static final String SECRET_ACCESS_KEY = AwsEnvironment.SECRET_ACCESS_KEY;
  public static final String SESSION_TOKEN = AwsEnvironment.SESSION_TOKEN;

  /** Every variable read here. */
  public static final Set<String> VARIABLES = AwsEnvironment.VARIABLES;

  private AwsTarget() {}

  /**
   * @throws FunctionConfigException naming the variable whose value is refused
   */
  public static AwsClients.Target from(Environment env) {
    try {
      return AwsEnvironment.target(env.all());
    } catch (IllegalArgumentException e) {
      throw new FunctionConfigException(e.getMessage(), e);
    }
  }

  /** The region of {@code env}; required. */
  public static Region region(Environment env) {
    try {
      return AwsEnvironment.region(env.all());
    } catch (IllegalArgumentException e) {
      throw new FunctionConfigException(e.getMessage(), e);
    }
  }
}
