package io.fenceq.local.lambda.internal;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import io.fenceq.time.Ticker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Context} of one local invocation: a request id, the function's name and ARN, and a
 * remaining time that counts down on the runner's {@link Ticker} from the function's timeout, as
 * Lambda's does. The logger writes to SLF4J under the function's name.
 */
public final class InvocationContext implements Context {
  private final String requestId;
  private final String functionName;
  private final String functionArn;
  private final int memoryLimitMb;
  private final Ticker ticker;
  private final long deadlineNanos;
  private final Duration timeout;
  private final LambdaLogger logger;

  /**
   * @param region and {@code account}: for the function's ARN
   * @param startNanos the ticker's reading when the invocation starts
   */
  public InvocationContext(
      String requestId,
      String functionName,
      String region,
      String account,
      int memoryLimitMb,
      Ticker ticker,
      long startNanos,
      Duration timeout) {
    this.requestId = requestId;
    this.functionName = functionName;
    this.functionArn = "arn:aws:lambda:" + region + ":" + account + ":function:" + functionName;
    this.memoryLimitMb = memoryLimitMb;
    this.ticker = ticker;
    this.deadlineNanos = startNanos + timeout.toNanos();
    this.timeout = timeout;
    this.logger = new Slf4jLambdaLogger(LoggerFactory.getLogger("fenceq.lambda." + functionName));
  }

  /** True once the function's timeout has run out. */
  public boolean expired() {
    return deadlineNanos - ticker.nanos() <= 0;
  }

  /** Nanoseconds left before the timeout, never negative. */
  public long remainingNanos() {
    return Math.max(0, deadlineNanos - ticker.nanos());
  }

  public Duration timeout() {
    return timeout;
  }

  @Override
  public String getAwsRequestId() {
    return requestId;
  }

  @Override
  public String getLogGroupName() {
    return "/aws/lambda/" + functionName;
  }

  @Override
  public String getLogStreamName() {
    return "local/[$LATEST]" + requestId;
  }

  @Override
  public String getFunctionName() {
    return functionName;
  }

  @Override
  public String getFunctionVersion() {
    return "$LATEST";
  }

  @Override
  public String getInvokedFunctionArn() {
    return functionArn;
  }

  @Override
  public CognitoIdentity getIdentity() {
    return null;
  }

  @Override
  public ClientContext getClientContext() {
    return null;
  }

  @Override
  public int getRemainingTimeInMillis() {
    return (int) Math.min(Integer.MAX_VALUE, Duration.ofNanos(remainingNanos()).toMillis());
  }

  @Override
  public int getMemoryLimitInMB() {
    return memoryLimitMb;
  }

  @Override
  public LambdaLogger getLogger() {
    return logger;
  }

  private record Slf4jLambdaLogger(Logger log) implements LambdaLogger {
    @Override
    public void log(String message) {
      log.info("{}", message == null ? "null" : message.stripTrailing());
    }

    @Override
    public void log(byte[] message) {
      log(new String(message, StandardCharsets.UTF_8));
    }
  }
}
