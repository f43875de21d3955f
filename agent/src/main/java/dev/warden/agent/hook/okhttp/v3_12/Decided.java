package dev.warden.agent.hook.okhttp.v3_12;

import okhttp3.HttpUrl;

/**
 * The tag Warden puts on the request it lets OkHttp send: which URL Warden decided, so the network
 * interceptor can tell that hop from the redirect hops OkHttp follows on its own.
 *
 * @param url the decided URL
 */
record Decided(HttpUrl url) {}
