package dev.warden.agent.credential.oauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warden.policy.secret.SecretUnavailableException;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayDeque;
import java.util.Deque;
import org.junit.jupiter.api.Test;

/** The access token cache on an injected clock: no test here sleeps. */
class OAuthCredentialTest {

  static final long SECOND = 1_000_000_000L;

  /** A clock the test moves. */
  static final class Clock implements TokenClock {
    long nanos = 1_000 * SECOND;

    @Override
    public long nanoTime() {
      return nanos;
    }

    @Override
    public long epochMillis() {
      return nanos / 1_000_000;
    }

    @Override
    public void sleep(long millis) {
      nanos += millis * 1_000_000;
    }
  }

  /** A grant that answers from a script: a token's name and life, or a failure. */
  static final class ScriptedGrant implements Grant {
    final Deque<Object> answers = new ArrayDeque<>();
    final Clock clock;
    int asked;
    boolean refusalStands;

    ScriptedGrant(Clock clock) {
      this.clock = clock;
    }

    ScriptedGrant then(Object answer) {
      answers.add(answer);
      return this;
    }

    @Override
    public AccessToken obtain(AccessToken refusedByJira, boolean mayWait) throws IOException {
      asked++;
      Object next = answers.isEmpty() ? new IOException("nothing scripted") : answers.poll();
      if (next instanceof IOException e) {
        throw e;
      }
      return AccessToken.issued((String) next, 100, clock.nanoTime());
    }

    @Override
    public boolean refreshes() {
      return true;
    }

    @Override
    public String onRefused() {
      return "${file:/run/secrets/refresh}";
    }

    @Override
    public boolean refusalStands() {
      return refusalStands;
    }
  }

  final Clock clock = new Clock();
  final ScriptedGrant grant = new ScriptedGrant(clock);
  final OAuthCredential credential = new OAuthCredential("app", grant, clock);

  @Test
  void aTokenServesUntilAFifthOfItsLifeIsLeftThenIsRenewedOnce() throws Exception {
    grant.then("first").then("second");

    assertThat(credential.headerValue()).isEqualTo("Bearer first");
    clock.nanos += 79 * SECOND;
    assertThat(credential.ready()).isTrue();
    assertThat(credential.headerValue()).isEqualTo("Bearer first");
    clock.nanos += 2 * SECOND;
    assertThat(credential.ready()).isFalse();
    assertThat(credential.headerValue()).isEqualTo("Bearer second");
    assertThat(grant.asked).isEqualTo(2);
  }

  @Test
  void whileTheGrantFailsTheCachedTokenServesUntilItExpiresAndTheGrantIsAskedAfterABackoff()
      throws Exception {
    IOException down =
        new IOException(
            "token endpoint http://auth/oauth/token cannot be reached (ConnectException)");
    grant.then("first").then(down).then(down);
    credential.headerValue();
    clock.nanos += 85 * SECOND;

    assertThat(credential.headerValue())
        .as("due, renewal failed, still serves")
        .isEqualTo("Bearer first");
    assertThat(credential.headerValue())
        .as("within the backoff: not asked again")
        .isEqualTo("Bearer first");
    assertThat(grant.asked).isEqualTo(2);
    clock.nanos += 20 * SECOND;
    assertThatThrownBy(credential::headerValue)
        .isInstanceOf(SecretUnavailableException.class)
        .hasMessageContaining("cannot be reached");
    assertThat(grant.asked).isEqualTo(3);
  }

  @Test
  void aTokenThatCannotBeRenewedIsNotSentInItsLastSecondsWhereItCouldExpireOnTheWay()
      throws Exception {
    // 100 s of life: renewed from 80 s, and, while it cannot be, sent until 90 s (half the renewal
    // margin before its expiry, at most 10 s): the soak saw Jira answer 401 to a token sent in its
    // last milliseconds from a busy event loop.
    IOException down = new IOException("token endpoint cannot be reached (ConnectException)");
    grant.then("first").then(down).then(down).then(down);
    credential.headerValue();

    clock.nanos += 89 * SECOND;
    assertThat(credential.headerValue()).isEqualTo("Bearer first");
    clock.nanos += SECOND;
    assertThatThrownBy(credential::headerValue)
        .isInstanceOf(SecretUnavailableException.class)
        .hasMessageContaining("cannot be reached");
  }

  @Test
  void theLastUseMarginIsAtMostTenSeconds() {
    AccessToken hour = AccessToken.issued("t", 3600, 0);
    assertThat(hour.expiresAtNanos() - hour.lastUseNanos()).isEqualTo(10 * SECOND);
    AccessToken twenty = AccessToken.issued("t", 20, 0);
    assertThat(twenty.expiresAtNanos() - twenty.lastUseNanos()).isEqualTo(2 * SECOND);
    assertThat(twenty.dueAt(5 * SECOND).lastUseNanos()).isEqualTo(twenty.lastUseNanos());
  }

  @Test
  void aRefusedRefreshTokenIsNotPresentedAgainWhileItStands() throws Exception {
    grant.then(
        new TokenEndpoint.Refused(URI.create("http://auth/oauth/token"), 403, "invalid_grant"));
    grant.refusalStands = true;

    for (int i = 0; i < 3; i++) {
      assertThatThrownBy(credential::headerValue)
          .hasMessageContaining("invalid_grant")
          .hasMessageContaining(
              "consent must be renewed, and the new refresh token put in ${file:/run/secrets/refresh}");
      clock.nanos += 60 * SECOND;
    }
    assertThat(grant.asked).isEqualTo(1);

    grant.refusalStands = false;
    grant.then("after-consent");
    assertThat(credential.headerValue()).isEqualTo("Bearer after-consent");
  }

  @Test
  void aTokenJiraRefusedIsRenewedAtOnceAndNeverServedAgain() throws Exception {
    grant.then("first").then(new IOException("down"));
    String first = credential.headerValue();

    credential.invalidate(first);

    assertThat(credential.ready()).isFalse();
    assertThatThrownBy(credential::headerValue).isInstanceOf(SecretUnavailableException.class);
  }
}
