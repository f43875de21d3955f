package dev.warden.agent.throttle;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class PausesTest {

  final AtomicLong now = new AtomicLong(1_000_000);
  final Pauses pauses = new Pauses(now::get);

  @Test
  void eachScopeCoversWhatJiraNamed() {
    pauses.pause(Pauses.Scope.issueWrites("acme", "ops-1"), now.get() + 2_000);
    assertThat(pauses.pausedUntil("acme", "PUT", "/rest/api/2/issue/{issueIdOrKey}", "OPS-1"))
        .isEqualTo(now.get() + 2_000);
    assertThat(pauses.pausedUntil("acme", "GET", "/rest/api/2/issue/{issueIdOrKey}", "OPS-1"))
        .as("reads of the issue")
        .isZero();
    assertThat(pauses.pausedUntil("acme", "PUT", "/rest/api/2/issue/{issueIdOrKey}", "OPS-2"))
        .as("another issue")
        .isZero();

    pauses.pause(Pauses.Scope.endpoint("acme", "GET", "/rest/api/3/search/jql"), now.get() + 1_000);
    assertThat(pauses.pausedUntil("acme", "GET", "/rest/api/3/search/jql", null))
        .isEqualTo(now.get() + 1_000);
    assertThat(pauses.pausedUntil("acme", "POST", "/rest/api/3/search/jql", null))
        .as("another method")
        .isZero();
    assertThat(pauses.pausedUntil("other", "GET", "/rest/api/3/search/jql", null))
        .as("another site")
        .isZero();

    pauses.pause(Pauses.Scope.site("acme"), now.get() + 5_000);
    assertThat(pauses.pausedUntil("acme", "GET", "/rest/api/2/myself", null))
        .isEqualTo(now.get() + 5_000);
    assertThat(pauses.pausedUntil("other", "GET", "/rest/api/2/myself", null)).isZero();

    now.addAndGet(5_000);
    assertThat(pauses.pausedUntil("acme", "GET", "/rest/api/2/myself", null)).isZero();
  }

  @Test
  void aLaterPauseWinsAndOnlyNewsReachesListeners() {
    List<String> heard = new ArrayList<>();
    pauses.listen((scope, until) -> heard.add(scope.key() + "@" + until));
    Pauses.Scope site = Pauses.Scope.site("acme");
    pauses.pause(site, now.get() + 3_000);
    pauses.pause(site, now.get() + 1_000);
    assertThat(pauses.pausedUntil("acme", "GET", "/x", null)).isEqualTo(now.get() + 3_000);
    // Learned from another JVM: kept, and not echoed back to the store.
    assertThat(pauses.learn(site, now.get() + 4_000)).isTrue();
    assertThat(heard).containsExactly("site|acme@" + (now.get() + 3_000));
    assertThat(site.toString()).isEqualTo("site acme");
    assertThat(Pauses.Scope.endpoint("acme", "GET", "/rest/api/3/search/jql").toString())
        .isEqualTo("GET /rest/api/3/search/jql on site acme");
  }
}
