package firstcome.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's Chromium, headless, driven through Debian's chromedriver (never a downloaded browser
 * or driver: Selenium Manager is not asked because both paths are given). Saves screenshots under
 * {@code firstcome.screenshots} (the e2e module's {@code target/screenshots}).
 */
final class HeadlessChromium implements AutoCloseable {

    private static final List<String> BROWSERS = List.of("/usr/bin/chromium", "/usr/bin/chromium-browser",
            "/usr/bin/google-chrome", "/Applications/Chromium.app/Contents/MacOS/Chromium");
    private static final List<String> DRIVERS = List.of("/usr/bin/chromedriver", "/usr/local/bin/chromedriver",
            "/opt/homebrew/bin/chromedriver");

    final ChromeDriver driver;
    private final Path userDataDir;
    private final Path screenshots;

    HeadlessChromium() throws IOException {
        String browser = locate("CHROMIUM_BIN", BROWSERS);
        String chromedriver = locate("CHROMEDRIVER_BIN", DRIVERS);
        userDataDir = Files.createTempDirectory("e2e-chromium");
        screenshots = Path.of(System.getProperty("firstcome.screenshots", "target/screenshots"));
        Files.createDirectories(screenshots);
        var options = new ChromeOptions();
        options.setBinary(browser);
        // Headless as root in a sandboxed CI machine with no outside network: no sandbox, no GPU,
        // and none of the background connections the closed network would refuse.
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-extensions", "--hide-scrollbars", "--force-device-scale-factor=1",
                "--user-data-dir=" + userDataDir);
        var service = new ChromeDriverService.Builder()
                .usingDriverExecutable(Path.of(chromedriver).toFile())
                .usingAnyFreePort()
                .build();
        driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
    }

    /** Sets the viewport (not the window) to width x height CSS pixels. */
    void viewport(int width, int height) {
        driver.manage().window().setSize(new Dimension(width, height));
        Object inner = driver.executeScript("return [window.innerWidth, window.innerHeight];");
        @SuppressWarnings("unchecked")
        List<Number> size = (List<Number>) inner;
        int dw = width - size.get(0).intValue();
        int dh = height - size.get(1).intValue();
        if (dw != 0 || dh != 0) {
            driver.manage().window().setSize(new Dimension(width + dw, height + dh));
        }
    }

    /** Saves the whole page (not only the viewport) as {@code name}.png; returns the file. */
    Path screenshot(String name) {
        Path file = screenshots.resolve(name + ".png");
        try {
            Files.write(file, fullPage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    /** Chromium's own capture beyond the viewport (through chromedriver, no DevTools connection). */
    private byte[] fullPage() {
        @SuppressWarnings("unchecked")
        Map<String, Number> size = (Map<String, Number>) driver.executeScript(
                "return {width: document.documentElement.scrollWidth, height: document.documentElement.scrollHeight};");
        try {
            Map<String, Object> shot = driver.executeCdpCommand("Page.captureScreenshot", Map.of(
                    "format", "png", "captureBeyondViewport", true,
                    "clip", Map.of("x", 0, "y", 0, "width", size.get("width"), "height", size.get("height"), "scale", 1)));
            return Base64.getDecoder().decode((String) shot.get("data"));
        } catch (RuntimeException e) {
            return driver.getScreenshotAs(OutputType.BYTES);
        }
    }

    @Override
    public void close() throws IOException {
        try {
            driver.quit();
        } finally {
            try (var files = Files.walk(userDataDir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }

    private static String locate(String variable, List<String> candidates) {
        Optional<String> given = Optional.ofNullable(System.getenv(variable)).filter(value -> !value.isBlank());
        if (given.isPresent()) {
            return given.get();
        }
        return candidates.stream().filter(path -> Files.isExecutable(Path.of(path))).findFirst()
                .orElseThrow(() -> new IllegalStateException("no " + candidates.get(0) + " (or set " + variable
                        + "): install the browser with `scripts/deps.sh browser` (Debian: apt-get install chromium chromium-driver)"));
    }
}
