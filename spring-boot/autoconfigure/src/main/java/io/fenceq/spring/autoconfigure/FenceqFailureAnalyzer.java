package io.fenceq.spring.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Start-up refused for the handlers: the message alone, without Spring's bean creation chain. */
class FenceqFailureAnalyzer extends AbstractFailureAnalyzer<FenceqHandlerException> {
  @Override
  protected FailureAnalysis analyze(Throwable rootFailure, FenceqHandlerException cause) {
    return new FailureAnalysis(
        cause.getMessage(),
        "Give each job type exactly one handler: a @FenceqHandler(\"type\") method with Job and"
            + " JobContext parameters, or a JobHandler bean annotated @FenceqHandler(\"type\").",
        cause);
  }
}
