package dev.warden.agent.hook;

import dev.warden.agent.bootstrap.Headers;
import dev.warden.agent.caller.Callsite;
import dev.warden.agent.pipeline.Gateway;
import java.net.URI;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * One Jira-bound call of a Netty-based client, from the application's thread, where it was made, to
 * the channel where Warden's gate decides each of its hops on the event loop: where it was made,
 * what it asked for (for a call that fails before any hop is decided), and whether a hop of it went
 * to a site. While it connects, connections to its host and port count as a hooked client's for
 * {@code unmanaged-egress}.
 *
 * <p>A library's hook makes one when the application makes a call to a site's origin ({@link
 * #begin}), and hands it to the call's channel before the request is written there; the gate takes
 * it with the request.
 */
public final class CallOrigin {

  private static final WeakIdentityMap<Boolean> DECIDED_REQUESTS = new WeakIdentityMap<>();

  /**
   * Where the call being made on this thread was issued, when a framework issued it on another
   * thread (see {@link #enterIssued}).
   */
  private static final ThreadLocal<Callsite> ISSUED = new ThreadLocal<>();

  private final Gateway gateway;
  private final Callsite callsite;
  private final String method;

  /**
   * What the call asked for, read only when it fails before any hop (the common call never needs
   * it: the profile of a gated client had a URI parse and a header copy here on every call).
   */
  private final Supplier<URI> target;

  private final Supplier<Headers> headers;

  /** The origin the call is bound for (the port resolved). */
  private final String scheme;

  private final String host;
  private final int port;

  private final AtomicBoolean connecting = new AtomicBoolean(true);
  private final String managed;
  private volatile boolean gated;

  /** The request line of a request decided already, or {@code null}. */
  private final String decidedTarget;

  private CallOrigin(
      Gateway gateway,
      String method,
      String scheme,
      String host,
      int port,
      Supplier<URI> target,
      Supplier<Headers> headers) {
    this.gateway = gateway;
    Callsite issued = ISSUED.get();
    this.callsite = issued != null ? issued : gateway.capture();
    this.method = method;
    this.target = target;
    this.headers = headers;
    this.managed = gateway.managedConnections().begin(host, port);
    this.scheme = scheme;
    this.host = host;
    this.port = port;
    this.decidedTarget = null;
  }

  private CallOrigin(String method, String decidedTarget) {
    this.gateway = null;
    this.callsite = null;
    this.method = method;
    this.target = () -> null;
    this.headers = () -> Headers.EMPTY;
    this.managed = null;
    this.scheme = null;
    this.host = null;
    this.port = -1;
    this.decidedTarget = decidedTarget;
    this.connecting.set(false);
  }

  /**
   * Where a call is issued, on the application's thread, for a framework that makes the call on
   * another (RESTEasy Reactive's client makes it on Vert.x's event loop, where no application frame
   * is left): {@code null} when it is not bound for a site's origin, or Warden is not running.
   */
  public static Callsite issue(String scheme, String host, int port) {
    Gateway gateway = HookSupport.gateway();
    return gateway != null
            && host != null
            && gateway.isSiteOrigin(
                scheme, host, dev.warden.policy.SiteUrl.effectivePort(scheme, port))
        ? gateway.capture()
        : null;
  }

  /**
   * The calls begun on this thread until {@link #exitIssued} were issued at {@code issued}, not
   * where this thread's stack says.
   *
   * @return what to hand to {@link #exitIssued}
   */
  public static Callsite enterIssued(Callsite issued) {
    Callsite previous = ISSUED.get();
    ISSUED.set(issued);
    return previous;
  }

  /** Ends {@link #enterIssued}. */
  public static void exitIssued(Callsite previous) {
    if (previous == null) {
      ISSUED.remove();
    } else {
      ISSUED.set(previous);
    }
  }

  /**
   * Marks a request object (identity, weakly held) as decided by a hook of Warden's before it
   * reaches the client underneath, which must not decide it again.
   */
  public static void markDecided(Object request) {
    DECIDED_REQUESTS.put(request, Boolean.TRUE);
  }

  /** Whether a request was {@link #markDecided marked decided} (forgetting it). */
  public static boolean takeDecided(Object request) {
    return DECIDED_REQUESTS.remove(request) != null;
  }

  /**
   * The origin of a request another of Warden's hooks decided already (Vert.x WebClient's, whose
   * requests go through Vert.x core): the gate lets the request with this method and request target
   * go as it is, and decides any other.
   */
  public static CallOrigin decidedRequest(String method, String requestTarget) {
    return new CallOrigin(method, requestTarget);
  }

  /** Whether this is the origin of a request decided already. */
  public boolean isDecided() {
    return decidedTarget != null;
  }

  /** Whether this origin's decided request is the one with this request line. */
  public boolean decides(String requestMethod, String requestTarget) {
    return decidedTarget != null
        && method.equals(requestMethod)
        && decidedTarget.equals(requestTarget);
  }

  /**
   * A call the application is making now, on this thread, to {@code scheme://host:port} ({@code
   * port} -1 for the scheme's default), or {@code null} when that is not a site's origin (or Warden
   * is not running): the common call, to another host, costs this check only. The call's URL and
   * fields are read only if it fails before any hop reaches the gate; a URL that cannot be read
   * then is audited as the origin's root.
   */
  public static CallOrigin begin(
      String method,
      String scheme,
      String host,
      int port,
      Supplier<URI> target,
      Supplier<Headers> headers) {
    Gateway gateway = HookSupport.gateway();
    if (gateway == null || host == null || scheme == null) {
      return null;
    }
    int effective = dev.warden.policy.SiteUrl.effectivePort(scheme, port);
    if (!gateway.isSiteOrigin(scheme, host, effective)) {
      return null;
    }
    return new CallOrigin(gateway, method, scheme, host, effective, target, headers);
  }

  /**
   * Whether a call to this origin is a site's, before anything is built for it (the common call, to
   * another host, costs this check only).
   */
  public static boolean isSite(String scheme, String host, int port) {
    Gateway gateway = HookSupport.gateway();
    return gateway != null
        && host != null
        && gateway.isSiteOrigin(
            scheme, host, dev.warden.policy.SiteUrl.effectivePort(scheme, port));
  }

  private String lastSent;
  private int resends;

  /** Where the call was made. */
  public Callsite callsite() {
    return callsite;
  }

  /** A hop of this call reached Warden's gate at a site. */
  public void gated() {
    gated = true;
  }

  /**
   * A hop of this call reached Warden's gate at a site: returns how many times in a row before this
   * same request (method and URL) was sent, by a client that resends on its own after a failure; a
   * redirect's hop, to another URL, starts again at 0.
   */
  public synchronized int gated(String method, URI uri) {
    gated = true;
    String sent = method + " " + uri;
    if (sent.equals(lastSent)) {
      return ++resends;
    }
    lastSent = sent;
    resends = 0;
    return 0;
  }

  /**
   * Whether a hop of this call went to a site, so that a later one elsewhere goes without
   * credentials.
   */
  public boolean siteChain() {
    return gated;
  }

  /** The call has its connection (or failed): its connects no longer count as a hooked client's. */
  public void connected() {
    if (gateway != null && connecting.compareAndSet(true, false)) {
      gateway.managedConnections().end(managed);
    }
  }

  /**
   * The call failed as its client reports it. One that failed before any hop reached the gate
   * (connection refused, TLS) is decided and audited with that failure.
   */
  public void failed(Throwable error) {
    if (gateway == null) {
      return;
    }
    connected();
    if (!gated) {
      gated = true;
      gateway.handle(new UnsentCall(method, target(), fields(), error), callsite);
    }
  }

  private URI target() {
    try {
      URI uri = target.get();
      if (uri != null) {
        return uri;
      }
    } catch (RuntimeException e) {
      // Audited as the origin's root, below.
    }
    String name = host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
    return URI.create(scheme + "://" + name + ":" + port + "/");
  }

  private Headers fields() {
    try {
      Headers read = headers.get();
      return read == null ? Headers.EMPTY : read;
    } catch (RuntimeException e) {
      return Headers.EMPTY;
    }
  }
}
