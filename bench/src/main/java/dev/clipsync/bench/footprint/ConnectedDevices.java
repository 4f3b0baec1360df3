package dev.clipsync.bench.footprint;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.databind.json.JsonMapper;

/**
 * Logs in {@code --devices} devices spread over the accounts named in {@code --emails}
 * (registered beforehand), opens one sync WebSocket per device through the fleet's one
 * URL, says {@code connected N}, and holds them until its standard input closes.
 */
@Command(name = "connected-devices", mixinStandardHelpOptions = true,
		description = "Holds N authenticated sync WebSockets open on a running fleet until stdin closes.")
public final class ConnectedDevices implements Callable<Integer> {

	private static final JsonMapper json = JsonMapper.builder().build();

	@Option(names = "--url", required = true, description = "The fleet's one URL, e.g. http://127.0.0.1:8080.")
	String url;

	@Option(names = "--emails", required = true, description = "A file of registered emails, one a line.")
	Path emails;

	@Option(names = "--password", defaultValue = "correct horse", description = "Their password.")
	String password;

	@Option(names = "--devices", defaultValue = "1000", description = "How many devices to connect.")
	int devices;

	public static void main(String[] args) {
		System.exit(new CommandLine(new ConnectedDevices()).execute(args));
	}

	@Override
	public Integer call() throws Exception {
		List<String> accounts = Files.readAllLines(this.emails).stream().filter((line) -> !line.isBlank()).toList();
		HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
		URI sync = URI.create(this.url.replaceFirst("^http", "ws") + "/v1/sync");
		List<WebSocket> open = new ArrayList<>();
		for (int i = 0; i < this.devices; i++) {
			String token = login(http, accounts.get(i % accounts.size()), "device-" + i);
			open.add(http.newWebSocketBuilder()
				.header("Authorization", "Bearer " + token)
				.subprotocols("clipsync.v1")
				.buildAsync(sync, new WebSocket.Listener() {
					@Override
					public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
						socket.request(1);
						return null;
					}
				})
				.join());
			if ((i + 1) % 100 == 0) {
				System.err.println("connected " + (i + 1));
			}
		}
		System.out.println("connected " + open.size());
		System.out.flush();
		while (System.in.read() != -1) {
			// hold until stdin closes
		}
		open.forEach((socket) -> socket.sendClose(WebSocket.NORMAL_CLOSURE, "done"));
		return 0;
	}

	private String login(HttpClient http, String email, String device) throws IOException, InterruptedException {
		String body = json.writeValueAsString(Map.of("email", email, "password", this.password, "device",
				Map.of("name", device, "platform", "linux")));
		HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(this.url + "/v1/auth/login"))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build(), HttpResponse.BodyHandlers.ofString());
		if (response.statusCode() != 200) {
			throw new IOException("login of " + email + " answered " + response.statusCode() + ": " + response.body());
		}
		return json.readTree(response.body()).get("accessToken").asString();
	}

}
