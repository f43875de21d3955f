package dev.warden.agent.hook.okhttp.v3_12;

import java.net.URI;

/**
 * The tag Warden puts on the request it lets OkHttp send: which URI Warden decided, so the network
 * interceptor can tell that hop from the redirect hops OkHttp follows on its own.
 *
 * @param uri the decided URI
 */
record Decided(URI uri) {}
