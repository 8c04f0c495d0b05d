package io.fenceq.tests.lease;

import static org.assertj.core.api.Assertions.assertThat;

import io.fenceq.lease.ExpiryMode;
import io.fenceq.lease.LeaseStore;
import io.fenceq.local.console.ConsoleServer;
import io.fenceq.local.console.ConsoleState;
import io.fenceq.tests.support.ConsoleBrowser;
import io.fenceq.tests.support.TestAws;
import io.fenceq.tests.support.TestStack;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The console page in a real headless browser: it renders a held lane's holder from {@code
 * /api/state}. {@code ConsoleWorkersBrowserTest} follows live workers and a dead-letter redrive.
 */
class ConsoleBrowserTest {
  @Test
  void thePageShowsAHeldLanesHolderInTheGrid() {
    ConsoleBrowser.assumeAvailable();
    DynamoDbClient dynamoDb = TestAws.get().dynamoDb();
    TestStack stack = TestAws.get().newStack("console-browser");
    Contenders contenders = new Contenders(dynamoDb, stack.leaseTable());
    LeaseStore worker = contenders.contender(ExpiryMode.WALL_CLOCK_HINT);
    for (int lane = 0; lane < 12; lane += 3) {
      worker.acquire("lane#%04d".formatted(lane), "worker-a");
    }
    worker.acquire("lane#0001", "worker-b");
    worker.acquire("leader#nightly", "worker-b");
    Clock clock = Clock.fixed(Contenders.T0.plusSeconds(10), ZoneOffset.UTC);
    ConsoleState state =
        new ConsoleState(
            dynamoDb,
            stack.leaseTable(),
            TestAws.get().sqs(),
            stack.workQueueUrl(),
            stack.dlqUrl(),
            clock);

    try (ConsoleServer server =
            ConsoleServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), state);
        ConsoleBrowser browser = ConsoleBrowser.open(1200, 800)) {
      browser.driver().get("http://127.0.0.1:" + server.port() + "/");
      WebElement lane =
          browser
              .waitUpTo(Duration.ofSeconds(20))
              .until(b -> b.findElement(By.cssSelector("[data-lease='lane#0001'] .holder")));

      assertThat(lane.getText()).isEqualTo("worker-b");
      assertThat(
              browser
                  .driver()
                  .findElement(By.cssSelector("[data-lease='lane#0003']"))
                  .getAttribute("class"))
          .isEqualTo("lane held");
      assertThat(browser.driver().findElement(By.id("mode")).getText()).isEqualTo("read-only");
    }
  }
}
