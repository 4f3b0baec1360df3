package dev.clipsync.auth.session;

import dev.clipsync.common.web.Caller;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

@RestController
class SessionController {

	private final Sessions sessions;

	SessionController(Sessions sessions) {
		this.sessions = sessions;
	}

	@PostMapping(path = "/v1/auth/login", consumes = MediaType.APPLICATION_JSON_VALUE)
	TokenPair login(@Valid @RequestBody LoginRequest request, HttpServletRequest http) {
		return this.sessions.login(request.email(), request.password(), request.device(), request.deviceId(),
				http.getRemoteAddr());
	}

	@PostMapping(path = "/v1/auth/refresh", consumes = MediaType.APPLICATION_JSON_VALUE)
	TokenPair refresh(@Valid @RequestBody RefreshRequest request) {
		return this.sessions.refresh(request.refreshToken());
	}

	@PostMapping("/v1/auth/logout")
	ResponseEntity<Void> logout(Caller caller) {
		this.sessions.logout(caller);
		return ResponseEntity.noContent().build();
	}

	record RefreshRequest(@NotBlank @Size(max = 512) String refreshToken) {
	}

}
