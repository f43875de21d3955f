package dev.warden.agent.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LogTest {

  final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  final AtomicLong nanos = new AtomicLong();

  Log log(Level level) {
    return new Log(new PrintStream(bytes, true, StandardCharsets.UTF_8), level, nanos::get);
  }

  String lines() {
    return bytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void linesArePrefixedAndFilteredByLevel() {
    Log log = log(Level.WARN);
    log.error("e");
    log.warn("w");
    log.info("i");
    log.debug("d");
    assertThat(lines()).isEqualTo("[warden] error: e\n[warden] warn: w\n");
  }

  @Test
  void aRepeatedMessageIsWrittenAtMostOnceAMinuteWithACount() {
    Log log = log(Level.INFO);
    log.warn("flaky");
    log.warn("flaky");
    log.warn("flaky");
    nanos.addAndGet(59_000_000_000L);
    log.warn("flaky");
    nanos.addAndGet(2_000_000_000L);
    log.warn("flaky");
    assertThat(lines())
        .isEqualTo(
            "[warden] warn: flaky\n[warden] warn: flaky (repeated 3 more times in the last minute)\n");
  }
}
