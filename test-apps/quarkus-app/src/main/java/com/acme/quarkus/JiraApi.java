package com.acme.quarkus;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/** Jira, as a declarative Quarkus REST client ({@code quarkus.rest-client.jira.url}). */
@RegisterRestClient(configKey = "jira")
@Path("/rest/api/2/issue")
public interface JiraApi {

  @GET
  @Path("/{key}")
  Response getIssue(@PathParam("key") String key);

  @GET
  @Path("/{key}")
  CompletionStage<Response> getIssueAsync(@PathParam("key") String key);

  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  Response createIssue(String body);

  @DELETE
  @Path("/{key}")
  Response deleteIssue(@PathParam("key") String key);
}
