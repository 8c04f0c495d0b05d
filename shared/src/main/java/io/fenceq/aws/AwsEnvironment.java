package io.fenceq.aws;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/**
 * Where SDK clients go, read from an environment map rather than the process's, with the SDK's own
 * variable names, so that tests and in-process runners point a function at any endpoint without
 * touching the process environment.
 *
 * <ul>
 *   <li>{@value #ENDPOINT_SQS} or else {@value #ENDPOINT}: the SQS endpoint; none for AWS.
 *   <li>{@value #ENDPOINT_DYNAMODB} or else {@value #ENDPOINT}: the DynamoDB endpoint.
 *   <li>{@value #ENDPOINT_S3} or else {@value #ENDPOINT}: the S3 endpoint of large payloads,
 *       addressed path-style when set (emulators have no per-bucket host names).
 *   <li>{@value #REGION}: required (Lambda always sets it).
 *   <li>{@value #ACCESS_KEY_ID}, {@value #SECRET_ACCESS_KEY} and optionally {@value
 *       #SESSION_TOKEN}: static credentials, as Lambda sets them for on-demand functions. Without
 *       them the SDK's default chain is used, which is where SnapStart functions get theirs (the
 *       container credentials endpoint), so a snapshot never carries stale keys.
 * </ul>
 */
public final class AwsEnvironment {
  public static final String ENDPOINT = "AWS_ENDPOINT_URL";
  public static final String ENDPOINT_SQS = "AWS_ENDPOINT_URL_SQS";
  public static final String ENDPOINT_DYNAMODB = "AWS_ENDPOINT_URL_DYNAMODB";
  public static final String ENDPOINT_S3 = "AWS_ENDPOINT_URL_S3";
  public static final String REGION = "AWS_REGION";
  public static final String ACCESS_KEY_ID = "AWS_ACCESS_KEY_ID";
  public static final String SECRET_ACCESS_KEY = "AWS_SECRET_ACCESS_KEY";
  public static final String SESSION_TOKEN = "AWS_SESSION_TOKEN";

  /** Every variable read here. */
  public static final Set<String> VARIABLES =
      Set.of(
          ENDPOINT,
          ENDPOINT_SQS,
          ENDPOINT_DYNAMODB,
          ENDPOINT_S3,
          REGION,
          ACCESS_KEY_ID,
          SECRET_ACCESS_KEY,
          SESSION_TOKEN);

  private AwsEnvironment() {}

  /**
   * @throws IllegalArgumentException naming the variable whose value is refused
   */
  public static AwsClients.Target target(Map<String, String> env) {
    return new AwsClients.Target(
        endpoint(env, ENDPOINT_SQS),
        endpoint(env, ENDPOINT_DYNAMODB),
        region(env),
        credentials(env),
        endpoint(env, ENDPOINT_S3));
  }

  /** The region of {@code env}; required. */
  public static Region region(Map<String, String> env) {
    String region = optional(env, REGION);
    if (region == null) {
      throw new IllegalArgumentException(REGION + " is required, got " + quote(env.get(REGION)));
    }
    if (!region.matches("[a-z0-9-]+")) {
      throw new IllegalArgumentException(
          REGION + " must be a region name such as eu-west-1, got " + quote(region));
    }
    return Region.of(region);
  }

  private static URI endpoint(Map<String, String> env, String serviceVariable) {
    String variable = optional(env, serviceVariable) != null ? serviceVariable : ENDPOINT;
    String value = optional(env, variable);
    if (value == null) {
      return null;
    }
    try {
      URI uri = new URI(value);
      if (uri.getScheme() == null
          || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
          || uri.getHost() == null) {
        throw new URISyntaxException(value, "not an http or https URL with a host");
      }
      return uri;
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(
          variable + " must be an http(s) URL such as http://127.0.0.1:9324, got " + quote(value));
    }
  }

  private static AwsCredentialsProvider credentials(Map<String, String> env) {
    String id = optional(env, ACCESS_KEY_ID);
    String secret = optional(env, SECRET_ACCESS_KEY);
    if (id == null && secret == null) {
      return null;
    }
    if (id == null || secret == null) {
      String missing = id == null ? ACCESS_KEY_ID : SECRET_ACCESS_KEY;
      String present = id == null ? SECRET_ACCESS_KEY : ACCESS_KEY_ID;
      throw new IllegalArgumentException(
          missing + " is required when " + present + " is set, got nothing (not set)");
    }
    String token = optional(env, SESSION_TOKEN);
    return StaticCredentialsProvider.create(
        token == null
            ? AwsBasicCredentials.create(id, secret)
            : AwsSessionCredentials.create(id, secret, token));
  }

  private static String optional(Map<String, String> env, String name) {
    String value = env.get(name);
    return value == null || value.isBlank() ? null : value.strip();
  }

  private static String quote(String value) {
    return value == null ? "nothing (not set)" : '"' + value + '"';
  }
}
