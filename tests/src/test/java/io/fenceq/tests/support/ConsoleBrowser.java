package io.fenceq.tests.support;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Headless Debian chromium through chromedriver for the console's page tests; a test that calls
 * {@link #assumeAvailable()} first is skipped on a machine without them.
 */
public final class ConsoleBrowser implements AutoCloseable {
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

  /** Set to save a screenshot of the page to docs/console.png. */
  public static final String SCREENSHOT_PROPERTY = "fenceq.console.screenshot";

  private final WebDriver driver;

  private ConsoleBrowser(WebDriver driver) {
    this.driver = driver;
  }

  /** Skips the calling test without /usr/bin/chromium and /usr/bin/chromedriver. */
  public static void assumeAvailable() {
    assumeTrue(
        Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
        "no /usr/bin/chromium or /usr/bin/chromedriver: apt-get install chromium chromium-driver");
  }

  /** A headless browser of {@code width} x {@code height}. */
  public static ConsoleBrowser open(int width, int height) {
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage");
    options.addArguments("--window-size=" + width + "," + height);
    ChromeDriverService service =
        new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).build();
    return new ConsoleBrowser(new ChromeDriver(service, options));
  }

  public WebDriver driver() {
    return driver;
  }

  /** A wait that gives up after {@code limit}. */
  public WebDriverWait waitUpTo(Duration limit) {
    WebDriverWait wait = new WebDriverWait(driver, limit);
    // The console redraws its panels on every poll, so an element found a moment ago may be
    // replaced before it is read: look again rather than fail.
    wait.ignoring(StaleElementReferenceException.class);
    return wait;
  }

  /** Saves the page to docs/console.png if {@value #SCREENSHOT_PROPERTY} is set. */
  public void screenshotIfAsked() throws IOException {
    if (System.getProperty(SCREENSHOT_PROPERTY) == null) {
      return;
    }
    File shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
    Files.copy(
        shot.toPath(), Path.of("..", "docs", "console.png"), StandardCopyOption.REPLACE_EXISTING);
  }

  @Override
  public void close() {
    driver.quit();
  }
}
