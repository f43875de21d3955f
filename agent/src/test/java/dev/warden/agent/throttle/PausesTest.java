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

  // The edges below were written against the mutants PIT left alive (mvn -Ppit).

  @Test
  void aScopeKnowsItsSite() {
    assertThat(Pauses.Scope.site("acme").site()).isEqualTo("acme");
    assertThat(Pauses.Scope.endpoint("acme", "GET", "/rest/api/3/search").site()).isEqualTo("acme");
    assertThat(Pauses.Scope.issueWrites("acme", "ops-1").site()).isEqualTo("acme");
    assertThat(Pauses.Scope.issueWrites("acme", "ops-1").key()).isEqualTo("issue|acme|OPS-1");
  }

  @Test
  void aPauseThatEndsNowOrEarlierIsNoPauseAndOnlyLivePausesAreInForce() {
    assertThat(pauses.learn(Pauses.Scope.site("acme"), now.get())).isFalse();
    assertThat(pauses.learn(Pauses.Scope.site("acme"), now.get() - 1)).isFalse();
    assertThat(pauses.learn(Pauses.Scope.site("acme"), now.get() + 1)).isTrue();
    assertThat(pauses.learn(Pauses.Scope.site("acme"), now.get() + 1)).as("not news").isFalse();
    assertThat(pauses.inForce()).containsEntry("site|acme", now.get() + 1);
    now.addAndGet(1);
    assertThat(pauses.inForce()).as("ended exactly now").isEmpty();
    assertThat(pauses.pausedUntil("acme", "GET", "/x", null)).isZero();
  }

  @Test
  void endedPausesAreSweptOnceManyScopesWereSeen() {
    for (int i = 0; i < 64; i++) {
      pauses.learn(Pauses.Scope.issueWrites("acme", "OPS-" + i), now.get() + 10);
    }
    now.addAndGet(20);
    assertThat(pauses.learn(Pauses.Scope.issueWrites("acme", "OPS-64"), now.get() + 10)).isTrue();
    assertThat(pauses.inForce()).containsOnlyKeys("issue|acme|OPS-64");
    // A write to the issue pauses; a read of it does not.
    assertThat(pauses.pausedUntil("acme", "POST", "/x", "ops-64")).isEqualTo(now.get() + 10);
    assertThat(pauses.pausedUntil("acme", "GET", "/x", "OPS-64")).isZero();
    assertThat(Pauses.isWrite("HEAD")).isFalse();
    assertThat(Pauses.isWrite("OPTIONS")).isFalse();
    assertThat(Pauses.isWrite("DELETE")).isTrue();
  }

  @Test
  void remainingRequestsKeepTheLastValuePerSiteAndIgnoreNegatives() {
    RemainingRequests remaining = new RemainingRequests();
    remaining.record("acme", 40);
    remaining.record("acme", 0);
    remaining.record("acme", -1);
    remaining.record(null, 5);
    remaining.record("other", 7);
    java.util.Map<String, Long> seen = new java.util.TreeMap<>();
    remaining.forEach(seen::put);
    assertThat(seen)
        .containsExactly(java.util.Map.entry("acme", 0L), java.util.Map.entry("other", 7L));
  }
}
