package dev.warden.agent.hook.netty.v4_1;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.agent.audit.AuditRecord;
import dev.warden.agent.hook.CallOrigin;
import dev.warden.agent.hook.HookSupport;
import dev.warden.agent.hook.TestGateways;
import dev.warden.agent.pipeline.Gateway;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Warden's Netty gate in a channel of its own, connected (as far as the gate can tell) to the site
 * or to another host: what it writes on, what it answers, and what it refuses.
 */
class ChannelGateTest {

  private static final int SITE_PORT = 18443;

  @TempDir Path dir;
  private final List<AuditRecord> records = TestGateways.records();
  private Gateway gateway;

  @BeforeEach
  void gateway() throws Exception {
    gateway = TestGateways.forSite(dir, "http://127.0.0.1:" + SITE_PORT, records);
    HookSupport.install(gateway);
  }

  @AfterEach
  void uninstall() {
    HookSupport.install(null);
  }

  /** A channel whose peer is {@code host}:{@code port}, with the gate where the codec would be. */
  private EmbeddedChannel channel(String host, int port) {
    EmbeddedChannel channel =
        new EmbeddedChannel() {
          @Override
          protected SocketAddress remoteAddress0() {
            return new InetSocketAddress(host, port);
          }
        };
    channel.pipeline().addLast(ChannelGate.NAME, new ChannelGate(gateway));
    return channel;
  }

  private static FullHttpRequest get(String path, String host) {
    FullHttpRequest request =
        new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, path);
    request.headers().set("Host", host);
    return request;
  }

  /** Everything the gate wrote on, toward the network. */
  private static List<Object> written(EmbeddedChannel channel) {
    channel.runPendingTasks();
    List<Object> out = new ArrayList<>();
    Object message;
    while ((message = channel.readOutbound()) != null) {
      out.add(message);
    }
    return out;
  }

  /** Everything the gate read into the channel, toward the client. */
  private static List<Object> read(EmbeddedChannel channel) {
    channel.runPendingTasks();
    List<Object> in = new ArrayList<>();
    Object message;
    while ((message = channel.readInbound()) != null) {
      in.add(message);
    }
    return in;
  }

  /** Jira's response on the channel: the exchange ends, and is audited. */
  private static void respond(EmbeddedChannel channel, int status) {
    channel.writeInbound(
        new io.netty.handler.codec.http.DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1, io.netty.handler.codec.http.HttpResponseStatus.valueOf(status)));
    read(channel);
  }

  @Test
  void siteRequestGoesOnAsACopyWithTheCredential() {
    EmbeddedChannel channel = channel("127.0.0.1", SITE_PORT);
    FullHttpRequest request = get("/rest/api/2/issue/OPS-1", "127.0.0.1:" + SITE_PORT);
    request.headers().set("Authorization", "Basic YXBwOmFwcA==");

    ChannelFuture write = channel.writeAndFlush(request);

    List<Object> out = written(channel);
    assertThat(out).singleElement().isInstanceOf(FullHttpRequest.class);
    HttpRequest sent = (HttpRequest) out.get(0);
    assertThat(sent.headers().getAll("Authorization"))
        .containsExactly("Bearer " + TestGateways.TOKEN);
    assertThat(request.headers().get("Authorization"))
        .as("the client's own request keeps the application's field")
        .isEqualTo("Basic YXBwOmFwcA==");
    assertThat(write.isSuccess()).isTrue();
  }

  @Test
  void deniedRequestIsAnsweredInTheChannelAsHeadAndBodyAndNeverWritten() {
    EmbeddedChannel channel = channel("127.0.0.1", SITE_PORT);
    FullHttpRequest delete =
        new DefaultFullHttpRequest(
            HttpVersion.HTTP_1_1, HttpMethod.DELETE, "/rest/api/2/issue/X-1");

    ChannelFuture write = channel.writeAndFlush(delete);

    assertThat(written(channel)).isEmpty();
    assertThat(write.isSuccess()).isTrue();
    List<Object> in = read(channel);
    assertThat(in).hasSize(2);
    assertThat(((HttpResponse) in.get(0)).status().code()).isEqualTo(403);
    assertThat(in.get(1)).isInstanceOf(LastHttpContent.class);
    assertThat(((LastHttpContent) in.get(1)).content().toString(StandardCharsets.UTF_8))
        .contains("errorMessages");
    assertThat(records)
        .singleElement()
        .satisfies(r -> assertThat(r.attribute("warden.decision")).isEqualTo("deny"));
  }

  @Test
  void aHostFieldNamingTheSiteOnAnotherHostsConnectionGetsNoCredential() {
    EmbeddedChannel channel = channel("127.0.0.2", 9999);

    channel.writeAndFlush(get("/rest/api/2/myself", "127.0.0.1:" + SITE_PORT));

    List<Object> out = written(channel);
    assertThat(((HttpRequest) out.get(0)).headers().contains("Authorization")).isFalse();
    assertThat(records).isEmpty();
    assertThat(channel.pipeline().get(ChannelGate.NAME))
        .as("kept: a policy reload may make this host a site while the connection is pooled")
        .isNotNull();
  }

  @Test
  void theSitesConnectionIsGuardedWhateverItsHostFieldSays() {
    EmbeddedChannel channel = channel("127.0.0.1", SITE_PORT);

    channel.writeAndFlush(get("/rest/api/2/issue/OPS-1", "elsewhere.example"));

    List<Object> out = written(channel);
    assertThat(((HttpRequest) out.get(0)).headers().get("Authorization"))
        .isEqualTo("Bearer " + TestGateways.TOKEN);
    respond(channel, 200);
    assertThat(records).hasSize(1);
  }

  @Test
  void aRedirectOfASiteCallToAnotherHostLosesEveryCredential() throws Exception {
    CallOrigin origin =
        CallOrigin.begin(
            "GET",
            "http",
            "127.0.0.1",
            SITE_PORT,
            () -> java.net.URI.create("http://127.0.0.1:" + SITE_PORT + "/rest/api/2/attachment/1"),
            () -> null);
    origin.gated();
    EmbeddedChannel channel = channel("127.0.0.2", 9999);
    ChannelGate.handOver(channel, origin);
    FullHttpRequest hop = get("/media/1", "127.0.0.2:9999");
    hop.headers().set("Authorization", "Basic YXBwOmFwcA==");
    hop.headers().set("Cookie", "JSESSIONID=1");

    channel.writeAndFlush(hop);

    HttpRequest sent = (HttpRequest) written(channel).get(0);
    assertThat(sent.headers().contains("Authorization")).isFalse();
    assertThat(sent.headers().contains("Cookie")).isFalse();
  }

  @Test
  void aHeadCarryingItsBodyIsDecidedOnThatBodyAndSentWithIt() {
    EmbeddedChannel channel = channel("127.0.0.1", SITE_PORT);
    String create = "{\"fields\":{\"project\":{\"key\":\"OPS\"},\"summary\":\"s\"}}";
    HttpRequest head = new AssembledRequest("/rest/api/2/issue", create.substring(0, 10));

    channel.write(head);
    channel.writeAndFlush(
        new DefaultLastHttpContent(
            Unpooled.copiedBuffer(create.substring(10), StandardCharsets.UTF_8)));

    List<Object> out = written(channel);
    StringBuilder body = new StringBuilder();
    for (Object message : out) {
      if (message instanceof HttpContent part) {
        body.append(part.content().toString(StandardCharsets.UTF_8));
      }
    }
    assertThat(body.toString()).isEqualTo(create);
    respond(channel, 201);
    assertThat(records)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.attribute("jira.project.key")).isEqualTo("OPS");
              assertThat(r.attribute("warden.decision")).isEqualTo("allow");
            });
  }

  @Test
  void aRequestPipelinedBehindOneAwaitingItsResponseIsNotSent() {
    EmbeddedChannel channel = channel("127.0.0.1", SITE_PORT);
    channel.writeAndFlush(get("/rest/api/2/issue/OPS-1", "127.0.0.1"));
    assertThat(written(channel)).hasSize(1);

    ChannelFuture second = channel.writeAndFlush(get("/rest/api/2/issue/OPS-2", "127.0.0.1"));

    assertThat(written(channel)).isEmpty();
    assertThat(second.isSuccess()).isFalse();
    assertThat(second.cause()).hasMessageContaining("pipelined");
  }

  @Test
  void anAbsoluteRequestLineNamingTheSiteOnAnotherHostsConnectionIsNotSent() {
    EmbeddedChannel channel = channel("127.0.0.2", 9999);

    ChannelFuture write =
        channel.writeAndFlush(
            get("http://127.0.0.1:" + SITE_PORT + "/rest/api/2/myself", "127.0.0.1"));

    assertThat(written(channel)).isEmpty();
    assertThat(write.cause()).hasMessageContaining("forward proxy");
    // The connection is closed, so that a client waiting for a response (Vert.x) learns it too.
    assertThat(channel.isOpen()).isFalse();
    org.assertj.core.api.Assertions.assertThatThrownBy(channel::checkException)
        .hasMessageContaining("forward proxy");
  }

  @Test
  void aSiteCallWhoseConnectionGoesElsewhereFailsClosed() {
    CallOrigin origin =
        CallOrigin.begin(
            "GET",
            "http",
            "127.0.0.1",
            SITE_PORT,
            () -> java.net.URI.create("http://127.0.0.1:" + SITE_PORT + "/rest/api/2/myself"),
            () -> null);
    EmbeddedChannel channel = channel("127.0.0.3", 3128);
    ChannelGate.handOver(channel, origin);

    ChannelFuture write = channel.writeAndFlush(get("/rest/api/2/myself", "127.0.0.1"));

    assertThat(written(channel)).isEmpty();
    assertThat(write.cause()).hasMessageContaining("another address");
    assertThat(channel.isOpen()).isFalse();
  }

  @Test
  void theRestOfAnAnsweredStreamedRequestIsNeverWrittenAndTheNextGoesOn() {
    EmbeddedChannel channel = channel("127.0.0.1", SITE_PORT);
    HttpRequest head =
        new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.DELETE, "/rest/api/2/issue/X-1");
    head.headers().set("Expect", "100-continue");

    channel.writeAndFlush(head);
    assertThat(written(channel)).as("decided on its head: denied").isEmpty();
    assertThat(((HttpResponse) read(channel).get(0)).status().code()).isEqualTo(403);
    ChannelFuture late =
        channel.writeAndFlush(
            new DefaultLastHttpContent(Unpooled.copiedBuffer("{}", StandardCharsets.UTF_8)));
    channel.writeAndFlush(get("/rest/api/2/issue/OPS-1", "127.0.0.1"));

    assertThat(late.isSuccess()).isTrue();
    List<Object> out = written(channel);
    assertThat(out).singleElement().isInstanceOf(HttpRequest.class);
    assertThat(((HttpRequest) out.get(0)).uri()).isEqualTo("/rest/api/2/issue/OPS-1");
  }

  /** A head that carries the first part of its body, as Vert.x writes one. */
  private static final class AssembledRequest extends DefaultHttpRequest implements HttpContent {
    private final ByteBuf content;

    AssembledRequest(String uri, String firstPart) {
      super(HttpVersion.HTTP_1_1, HttpMethod.POST, uri);
      headers().set("Content-Type", "application/json");
      content = Unpooled.copiedBuffer(firstPart, StandardCharsets.UTF_8);
    }

    @Override
    public ByteBuf content() {
      return content;
    }

    @Override
    public HttpContent copy() {
      return new DefaultHttpContent(content.copy());
    }

    @Override
    public HttpContent duplicate() {
      return new DefaultHttpContent(content.duplicate());
    }

    @Override
    public HttpContent retainedDuplicate() {
      return new DefaultHttpContent(content.retainedDuplicate());
    }

    @Override
    public HttpContent replace(ByteBuf replaced) {
      return new DefaultHttpContent(replaced);
    }

    @Override
    public HttpContent retain() {
      content.retain();
      return this;
    }

    @Override
    public HttpContent retain(int increment) {
      content.retain(increment);
      return this;
    }

    @Override
    public HttpContent touch() {
      return this;
    }

    @Override
    public HttpContent touch(Object hint) {
      return this;
    }

    @Override
    public int refCnt() {
      return content.refCnt();
    }

    @Override
    public boolean release() {
      return content.release();
    }

    @Override
    public boolean release(int decrement) {
      return content.release(decrement);
    }
  }

  /** Everything read into the channel toward the client, waiting up to a second for some. */
  private static List<Object> readAwaiting(EmbeddedChannel channel) throws InterruptedException {
    List<Object> in = read(channel);
    for (int i = 0; i < 100 && in.isEmpty(); i++) {
      Thread.sleep(10);
      in = read(channel);
    }
    return in;
  }

  private static byte[] bodyOf(List<Object> messages) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (Object message : messages) {
      if (message instanceof HttpContent content) {
        ByteBuf bytes = content.content();
        byte[] chunk = new byte[bytes.readableBytes()];
        bytes.getBytes(bytes.readerIndex(), chunk);
        out.writeBytes(chunk);
      }
    }
    return out.toByteArray();
  }

  private static HttpResponse jiraHead(int length) {
    HttpResponse head =
        new io.netty.handler.codec.http.DefaultHttpResponse(
            HttpVersion.HTTP_1_1, io.netty.handler.codec.http.HttpResponseStatus.OK);
    head.headers().set("Content-Type", "application/json").set("Content-Length", length);
    return head;
  }

  @Test
  void aLeadersResponseIsHeldWholeAndSharedWithAnIdenticalRequestOnAnotherChannel()
      throws Exception {
    EmbeddedChannel leader = channel("127.0.0.1", SITE_PORT);
    EmbeddedChannel follower = channel("127.0.0.1", SITE_PORT);
    leader.writeAndFlush(get("/rest/api/2/project/OPS", "127.0.0.1:" + SITE_PORT));
    assertThat(written(leader)).hasSize(1);
    follower.writeAndFlush(get("/rest/api/2/project/OPS", "127.0.0.1:" + SITE_PORT));
    assertThat(written(follower)).as("the follower waits for the leader's response").isEmpty();

    byte[] json = "{\"key\":\"OPS\",\"name\":\"Operations\"}".getBytes(StandardCharsets.UTF_8);
    leader.writeInbound(jiraHead(json.length));
    assertThat(read(leader)).as("the head is held until the body is whole").isEmpty();
    leader.writeInbound(new DefaultHttpContent(Unpooled.wrappedBuffer(json, 0, 10)));
    leader.writeInbound(
        new DefaultLastHttpContent(Unpooled.wrappedBuffer(json, 10, json.length - 10)));

    List<Object> toLeader = readAwaiting(leader);
    assertThat(toLeader.get(0)).isInstanceOf(HttpResponse.class);
    assertThat(((HttpResponse) toLeader.get(0)).status().code()).isEqualTo(200);
    assertThat(bodyOf(toLeader)).isEqualTo(json);
    assertThat(toLeader.get(toLeader.size() - 1)).isInstanceOf(LastHttpContent.class);
    List<Object> toFollower = readAwaiting(follower);
    assertThat(((HttpResponse) toFollower.get(0)).headers().get("Content-Type"))
        .isEqualTo("application/json");
    assertThat(bodyOf(toFollower)).isEqualTo(json);
    assertThat(written(follower)).as("the follower never went to Jira").isEmpty();
    assertThat(records)
        .extracting(r -> r.attributes().get("warden.coalesced"))
        .containsExactlyInAnyOrder(null, true);
  }

  @Test
  void aLeadersResponseTooLargeToShareGoesOnAsItCame() throws Exception {
    EmbeddedChannel leader = channel("127.0.0.1", SITE_PORT);
    leader.writeAndFlush(get("/rest/api/2/project/OPS", "127.0.0.1:" + SITE_PORT));
    written(leader);
    int size = HeldResponse.MAX_BYTES + 4096;
    leader.writeInbound(jiraHead(size));
    leader.writeInbound(new DefaultHttpContent(Unpooled.wrappedBuffer(new byte[size - 10])));

    List<Object> passed = read(leader);
    assertThat(passed).as("past the limit, what was held goes on at once").hasSize(2);
    assertThat(passed.get(0)).isInstanceOf(HttpResponse.class);
    leader.writeInbound(new DefaultLastHttpContent(Unpooled.wrappedBuffer(new byte[10])));
    assertThat(read(leader)).singleElement().isInstanceOf(LastHttpContent.class);
    passed.forEach(io.netty.util.ReferenceCountUtil::release);
  }

  @Test
  void aLeaderWithNoFollowerHasJirasOwnResponseObjects() throws Exception {
    EmbeddedChannel leader = channel("127.0.0.1", SITE_PORT);
    leader.writeAndFlush(get("/rest/api/2/project/OPS", "127.0.0.1:" + SITE_PORT));
    written(leader);
    HttpResponse head = jiraHead(2);
    LastHttpContent last =
        new DefaultLastHttpContent(Unpooled.wrappedBuffer(new byte[] {'{', '}'}));
    leader.writeInbound(head);
    leader.writeInbound(last);

    assertThat(readAwaiting(leader)).containsExactly(head, last);
    assertThat(records).singleElement();
  }

  @Test
  void aLeadersResponseReadWholeReachesTheClientBeforeTheConnectionsEnd() throws Exception {
    EmbeddedChannel leader = channel("127.0.0.1", SITE_PORT);
    leader.writeAndFlush(get("/rest/api/2/project/OPS", "127.0.0.1:" + SITE_PORT));
    written(leader);
    HttpResponse head = jiraHead(2);
    LastHttpContent last =
        new DefaultLastHttpContent(Unpooled.wrappedBuffer(new byte[] {'{', '}'}));
    // As the codec ends a response that runs to the connection's close: its last part, then the
    // close, with no task run between them.
    leader.pipeline().fireChannelRead(head);
    leader.pipeline().fireChannelRead(last);
    leader.pipeline().fireChannelInactive();

    List<Object> in = new ArrayList<>();
    Object message;
    while ((message = leader.readInbound()) != null) {
      in.add(message);
    }
    assertThat(in).containsExactly(head, last);
    assertThat(read(leader)).as("handed on once").isEmpty();
  }

  @Test
  void aResponseTheCodecCouldNotDecodeIsNotSharedAndGoesOnAsItCame() throws Exception {
    EmbeddedChannel leader = channel("127.0.0.1", SITE_PORT);
    EmbeddedChannel follower = channel("127.0.0.1", SITE_PORT);
    leader.writeAndFlush(get("/rest/api/2/project/OPS", "127.0.0.1:" + SITE_PORT));
    written(leader);
    follower.writeAndFlush(get("/rest/api/2/project/OPS", "127.0.0.1:" + SITE_PORT));
    assertThat(written(follower)).isEmpty();

    HttpResponse head = jiraHead(10);
    LastHttpContent broken = new DefaultLastHttpContent(Unpooled.wrappedBuffer(new byte[] {'{'}));
    broken.setDecoderResult(
        io.netty.handler.codec.DecoderResult.failure(new IllegalStateException("bad chunk")));
    leader.writeInbound(head);
    leader.writeInbound(broken);

    assertThat(readAwaiting(leader)).containsExactly(head, broken);
    List<Object> alone = new ArrayList<>();
    for (int i = 0; i < 100 && alone.isEmpty(); i++) {
      Thread.sleep(10);
      alone = written(follower);
    }
    assertThat(alone).as("the follower went to Jira by itself").hasSize(1);
  }
}
