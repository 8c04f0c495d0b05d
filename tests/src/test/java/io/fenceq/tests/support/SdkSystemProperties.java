package io.fenceq.tests.support;

import java.util.HashMap;
import java.util.Map;

/**
 * Points the AWS SDK of this JVM at the emulators through its standard settings, in their
 * system-property form, for commands run in process that find AWS as they would in a shell; {@link
 * #restore()} puts back what was there.
 */
public final class SdkSystemProperties {
  /** The SDK's environment variables and the system properties it reads in their place. */
  private static final Map<String, String> PROPERTIES =
      Map.of(
          "AWS_ENDPOINT_URL_SQS", "aws.endpointUrlSqs",
          "AWS_ENDPOINT_URL_DYNAMODB", "aws.endpointUrlDynamoDb",
          "AWS_REGION", "aws.region",
          "AWS_ACCESS_KEY_ID", "aws.accessKeyId",
          "AWS_SECRET_ACCESS_KEY", "aws.secretAccessKey");

  private final Map<String, String> saved = new HashMap<>();

  private SdkSystemProperties() {}

  /** Sets the properties from {@code environment} (e.g. {@link TestAws#awsEnvironment()}). */
  public static SdkSystemProperties set(Map<String, String> environment) {
    SdkSystemProperties set = new SdkSystemProperties();
    environment.forEach(
        (variable, value) -> {
          String property = PROPERTIES.get(variable);
          if (property != null) {
            set.saved.put(property, System.getProperty(property));
            System.setProperty(property, value);
          }
        });
    return set;
  }

  /** Puts back the values the properties had before {@link #set}. */
  public void restore() {
    saved.forEach(
        (property, value) -> {
          if (value == null) {
            System.clearProperty(property);
          } else {
            System.setProperty(property, value);
          }
        });
  }
}
