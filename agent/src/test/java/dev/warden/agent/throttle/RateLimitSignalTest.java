package dev.warden.agent.throttle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.agent.bootstrap.Headers;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.junit.jupiter.api.Test;

class RateLimitSignalTest {

  static final long NOW = Instant.parse("2026-05-01T10:00:00Z").toEpochMilli();

  @Test
  void retryAfterInSecondsAndAsAnHttpDate() {
    assertThat(RateLimitSignal.retryAfterMillis("7", NOW)).isEqualTo(7_000);
    assertThat(RateLimitSignal.retryAfterMillis(" 2 ", NOW)).isEqualTo(2_000);
    assertThat(RateLimitSignal.retryAfterMillis("0.25", NOW)).isEqualTo(250);
    String date =
        DateTimeFormatter.RFC_1123_DATE_TIME.format(
            Instant.ofEpochMilli(NOW + 30_000).atZone(ZoneOffset.UTC));
    assertThat(RateLimitSignal.retryAfterMillis(date, NOW)).isEqualTo(30_000);
    assertThat(RateLimitSignal.retryAfterMillis("Wed, 21 Oct 2015 07:28:00 GMT", NOW)).isZero();
    assertThat(RateLimitSignal.retryAfterMillis("soon", NOW)).isEqualTo(-1);
    assertThat(RateLimitSignal.retryAfterMillis(null, NOW)).isEqualTo(-1);
    assertThat(RateLimitSignal.retryAfterMillis("999999999", NOW))
        .isEqualTo(RateLimitSignal.MAX_MILLIS);
  }

  @Test
  void aDateTooFarToCountInMillisecondsIsUnreadableNotAFailure() {
    // Found by fuzzing (RateLimitHeadersFuzzTestInputs/rateLimitFields/far-reset): the read threw
    // ArithmeticException on the response path.
    assertThat(RateLimitSignal.resetEpochMillis("+1000000000-01-01T00:00:00Z")).isEqualTo(-1);
    assertThat(RateLimitSignal.resetEpochMillis("-999999999-01-01T00:00Z")).isEqualTo(-1);
    // Found by fuzzing too: a value of control characters only is not blank, and trims to nothing.
    assertThat(RateLimitSignal.retryAfterMillis("\u0000\u001f", NOW)).isEqualTo(-1);
    assertThat(RateLimitSignal.retryAfterMillis("Fri, 31 Dec +999999999 23:59:59 GMT", NOW))
        .isBetween(-1L, RateLimitSignal.MAX_MILLIS);
  }

  @Test
  void resetInBothIsoFormsAndWithAnOffset() {
    assertThat(RateLimitSignal.resetEpochMillis("2026-05-01T10:01:00Z")).isEqualTo(NOW + 60_000);
    assertThat(RateLimitSignal.resetEpochMillis("2026-05-01T10:01Z")).isEqualTo(NOW + 60_000);
    assertThat(RateLimitSignal.resetEpochMillis("2026-05-01T10:00:00.500Z")).isEqualTo(NOW + 500);
    assertThat(RateLimitSignal.resetEpochMillis("2026-05-01T12:01+02:00")).isEqualTo(NOW + 60_000);
    assertThat(RateLimitSignal.resetEpochMillis("tomorrow")).isEqualTo(-1);
  }

  @Test
  void readsReasonNearLimitBetaFieldsAndDataCentersFillRate() {
    RateLimitSignal cloud =
        RateLimitSignal.read(
            Headers.of(
                "Retry-After",
                "3",
                "RateLimit-Reason",
                "jira-burst-based",
                "X-RateLimit-Reset",
                "2026-05-01T10:00:10Z",
                "X-RateLimit-NearLimit",
                "true"),
            NOW);
    assertThat(cloud.reason()).isEqualTo("jira-burst-based");
    assertThat(cloud.nearLimit()).isTrue();
    // The later of the two wins.
    assertThat(cloud.waitMillis(NOW)).isEqualTo(10_000);

    RateLimitSignal beta =
        RateLimitSignal.read(
            Headers.of("Beta-Retry-After", "4", "Beta-RateLimit-Reason", "jira-quota-tenant-based"),
            NOW);
    assertThat(beta.waitMillis(NOW)).isEqualTo(4_000);
    assertThat(beta.reason()).isEqualTo("jira-quota-tenant-based");

    RateLimitSignal dataCenter =
        RateLimitSignal.read(
            Headers.of(
                "Retry-After",
                "0",
                "X-RateLimit-Interval-Seconds",
                "1",
                "X-RateLimit-FillRate",
                "4"),
            NOW);
    assertThat(dataCenter.retryAfterMillis()).isZero();
    assertThat(dataCenter.waitMillis(NOW)).isEqualTo(-1);
    assertThat(dataCenter.tokenMillis()).isEqualTo(250);
  }

  // The edges below were written against the mutants PIT left alive (mvn -Ppit).

  @Test
  void remainingIsDigitsOnlyUpToEighteenOfThem() {
    assertThat(RateLimitSignal.remaining(Headers.of("X-RateLimit-Remaining", "42"))).isEqualTo(42);
    assertThat(RateLimitSignal.remaining(Headers.of("X-RateLimit-Remaining", " 7 "))).isEqualTo(7);
    assertThat(RateLimitSignal.remaining(Headers.of("X-RateLimit-Remaining", "0"))).isZero();
    assertThat(RateLimitSignal.remaining(Headers.of("X-RateLimit-Remaining", "9".repeat(18))))
        .isEqualTo(999_999_999_999_999_999L);
    assertThat(RateLimitSignal.remaining(Headers.of("X-RateLimit-Remaining", "9".repeat(19))))
        .isEqualTo(-1);
    assertThat(RateLimitSignal.remaining(Headers.of("X-RateLimit-Remaining", ""))).isEqualTo(-1);
    assertThat(RateLimitSignal.remaining(Headers.of("X-RateLimit-Remaining", "4x"))).isEqualTo(-1);
    assertThat(RateLimitSignal.remaining(Headers.of("X-RateLimit-Remaining", "/"))).isEqualTo(-1);
    assertThat(RateLimitSignal.remaining(Headers.of("X-RateLimit-Remaining", ":"))).isEqualTo(-1);
    assertThat(RateLimitSignal.remaining(Headers.of("Beta-X-RateLimit-Remaining", "5")))
        .isEqualTo(5);
    assertThat(RateLimitSignal.remaining(Headers.EMPTY)).isEqualTo(-1);
  }

  @Test
  void nearLimitAndReasonAreReadAloneAndTrimmed() {
    assertThat(RateLimitSignal.nearLimit(Headers.of("X-RateLimit-NearLimit", " TRUE "))).isTrue();
    assertThat(RateLimitSignal.nearLimit(Headers.of("X-RateLimit-NearLimit", "false"))).isFalse();
    assertThat(RateLimitSignal.nearLimit(Headers.EMPTY)).isFalse();
    assertThat(RateLimitSignal.reasonOf(Headers.of("RateLimit-Reason", " jira-burst-based ")))
        .isEqualTo("jira-burst-based");
    assertThat(RateLimitSignal.reasonOf(Headers.of("RateLimit-Reason", " "))).isEqualTo("none");
    assertThat(RateLimitSignal.reasonOf(Headers.EMPTY)).isEqualTo("none");
    assertThat(RateLimitSignal.asksToWait(429, Headers.EMPTY)).isTrue();
    assertThat(RateLimitSignal.asksToWait(503, Headers.EMPTY)).isFalse();
    assertThat(RateLimitSignal.asksToWait(503, Headers.of("Retry-After", "1"))).isTrue();
    assertThat(RateLimitSignal.asksToWait(500, Headers.of("Retry-After", "1"))).isFalse();
  }

  @Test
  void aResetIsParsedOnceAndStaysWhatItSaid() {
    String text = "2026-05-01T10:00:30Z";
    assertThat(RateLimitSignal.resetEpochMillis(text)).isEqualTo(NOW + 30_000);
    assertThat(RateLimitSignal.resetEpochMillis(text)).isEqualTo(NOW + 30_000);
    assertThat(RateLimitSignal.resetEpochMillis("2026-05-01T10:00:31Z")).isEqualTo(NOW + 31_000);
    assertThat(RateLimitSignal.resetEpochMillis(" ")).isEqualTo(-1);
    assertThat(RateLimitSignal.resetEpochMillis(null)).isEqualTo(-1);
    assertThat(RateLimitSignal.resetEpochMillis("nonsense")).isEqualTo(-1);
    assertThat(RateLimitSignal.resetEpochMillis("nonsense")).isEqualTo(-1);
  }

  @Test
  void aTokenTakesTheIntervalOverTheFillRateWhenBothArePositive() {
    assertThat(
            signal("X-RateLimit-Interval-Seconds", "1", "X-RateLimit-FillRate", "10").tokenMillis())
        .isEqualTo(100);
    assertThat(
            signal("X-RateLimit-Interval-Seconds", "1", "X-RateLimit-FillRate", "3").tokenMillis())
        .isEqualTo(334);
    assertThat(
            signal("X-RateLimit-Interval-Seconds", "0", "X-RateLimit-FillRate", "10").tokenMillis())
        .isEqualTo(-1);
    assertThat(
            signal("X-RateLimit-Interval-Seconds", "1", "X-RateLimit-FillRate", "0").tokenMillis())
        .isEqualTo(-1);
    assertThat(signal("X-RateLimit-Interval-Seconds", "1").tokenMillis()).isEqualTo(-1);
    assertThat(signal("X-RateLimit-FillRate", "1").tokenMillis()).isEqualTo(-1);
    assertThat(
            signal("X-RateLimit-Interval-Seconds", "x", "X-RateLimit-FillRate", "1").tokenMillis())
        .isEqualTo(-1);
    assertThat(
            signal("X-RateLimit-Interval-Seconds", "1e300", "X-RateLimit-FillRate", "1e-300")
                .tokenMillis())
        .isEqualTo(RateLimitSignal.MAX_MILLIS);
  }

  @Test
  void aWaitIsTheLaterOfRetryAfterAndTheResetAndNoneWhenNeitherSaysOne() {
    assertThat(signal("Retry-After", "0").waitMillis(NOW)).isEqualTo(-1);
    assertThat(signal("Retry-After", "0.001").waitMillis(NOW)).isEqualTo(1);
    assertThat(signal().waitMillis(NOW)).isEqualTo(-1);
    assertThat(signal("X-RateLimit-Reset", "2026-05-01T09:00:00Z").waitMillis(NOW)).isZero();
    assertThat(signal("X-RateLimit-Reset", "2026-05-01T10:00:02Z").waitMillis(NOW))
        .isEqualTo(2_000);
    assertThat(
            signal("Retry-After", "5", "X-RateLimit-Reset", "2026-05-01T10:00:02Z").waitMillis(NOW))
        .isEqualTo(5_000);
    assertThat(signal("X-RateLimit-Reset", "2026-06-01T10:00:00Z").waitMillis(NOW))
        .isEqualTo(RateLimitSignal.MAX_MILLIS);
    assertThat(RateLimitSignal.retryAfterMillis("Fri, 01 May 2026 10:00:03 GMT", NOW))
        .isEqualTo(3_000);
    assertThat(RateLimitSignal.retryAfterMillis("Fri, 01 May 2026 09:00:00 GMT", NOW)).isZero();
    assertThat(RateLimitSignal.retryAfterMillis("-1", NOW)).isEqualTo(-1);
    assertThat(RateLimitSignal.retryAfterMillis("1x", NOW)).isEqualTo(-1);
  }

  private static RateLimitSignal signal(String... fields) {
    return RateLimitSignal.read(Headers.of(fields), NOW);
  }
}
