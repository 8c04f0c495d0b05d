package io.fenceq.tests.lease;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fenceq.lease.ExpiryMode;
import io.fenceq.lease.LeaseStore;
import io.fenceq.local.console.ConsoleServer;
import io.fenceq.local.console.ConsoleState;
import io.fenceq.tests.support.TestAws;
import io.fenceq.tests.support.TestStack;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The console page in a real headless browser: it renders a held lane's holder from {@code
 * /api/state}. With {@code -Dfenceq.console.screenshot} it saves docs/console.png.
 */
class ConsoleBrowserTest {
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

  @Test
  void thePageShowsAHeldLanesHolderInTheGrid() throws IOException {
    assumeTrue(
        Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
        "no /usr/bin/chromium or /usr/bin/chromedriver: apt-get install chromium chromium-driver");
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

    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage");
    options.addArguments("--window-size=1200,800");
    ChromeDriverService service =
        new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).build();
    try (ConsoleServer server =
        ConsoleServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), state)) {
      WebDriver browser = new ChromeDriver(service, options);
      try {
        browser.get("http://127.0.0.1:" + server.port() + "/");
        WebElement lane =
            new WebDriverWait(browser, Duration.ofSeconds(20))
                .until(b -> b.findElement(By.cssSelector("[data-lease='lane#0001'] .holder")));

        assertThat(lane.getText()).isEqualTo("worker-b");
        assertThat(
                browser
                    .findElement(By.cssSelector("[data-lease='lane#0003']"))
                    .getAttribute("class"))
            .isEqualTo("lane held");
        if (System.getProperty("fenceq.console.screenshot") != null) {
          File shot = ((ChromeDriver) browser).getScreenshotAs(OutputType.FILE);
          Files.copy(
              shot.toPath(),
              Path.of("..", "docs", "console.png"),
              StandardCopyOption.REPLACE_EXISTING);
        }
      } finally {
        browser.quit();
      }
    }
  }
}
