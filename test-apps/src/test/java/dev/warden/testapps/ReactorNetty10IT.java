package dev.warden.testapps;

/** The client scenarios on Reactor Netty's HttpClient 1.0, with block(). */
class ReactorNetty10IT extends ClientScenarios {

  @Override
  String client() {
    return "reactor-netty";
  }

  @Override
  String library() {
    return "reactor-netty-1.0";
  }

  @Override
  boolean resendsJira429() {
    return false;
  }

  @Override
  boolean seesRawConnects() {
    // Reactor Netty connects on Netty's epoll transport on Linux.
    return false;
  }
}
