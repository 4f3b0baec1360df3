package dev.clipsync.auth.account;

import java.time.Instant;
import java.util.UUID;

import dev.clipsync.common.web.Caller;
import dev.clipsync.auth.web.PlainText;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

@RestController
class AccountController {

	private final Accounts accounts;

	AccountController(Accounts accounts) {
		this.accounts = accounts;
	}

	@PostMapping(path = "/v1/auth/register", consumes = MediaType.APPLICATION_JSON_VALUE)
	@ResponseStatus(HttpStatus.CREATED)
	RegisteredAccount register(@Valid @RequestBody RegisterRequest request, HttpServletRequest http) {
		UserAccount account = this.accounts.register(request.email(), request.displayName(), request.password(),
				http.getRemoteAddr());
		return new RegisteredAccount(account.id(), account.email(), account.displayName(), account.createdAt());
	}

	@PostMapping(path = "/v1/auth/password", consumes = MediaType.APPLICATION_JSON_VALUE)
	ResponseEntity<Void> changePassword(Caller caller, @Valid @RequestBody PasswordChangeRequest request) {
		this.accounts.changePassword(caller, request.currentPassword(), request.newPassword());
		return ResponseEntity.noContent().build();
	}

	@DeleteMapping(path = "/v1/account", consumes = MediaType.APPLICATION_JSON_VALUE)
	ResponseEntity<Void> delete(Caller caller, @Valid @RequestBody AccountDeletionRequest request) {
		this.accounts.delete(caller, request.password());
		return ResponseEntity.noContent().build();
	}

	record RegisterRequest(@NotBlank @Size(max = 254) @Email String email, @NotNull @Password String password,
			@Size(max = 100) @PlainText @Nullable String displayName) {

		RegisterRequest {
			email = (email != null) ? email.strip() : null;
			displayName = (displayName != null && !displayName.isBlank()) ? displayName.strip() : null;
		}

	}

	record RegisteredAccount(UUID userId, String email, @Nullable String displayName, Instant createdAt) {
	}

	record PasswordChangeRequest(@NotNull @Size(max = 1024) String currentPassword,
			@NotNull @Password String newPassword) {
	}

	record AccountDeletionRequest(@NotNull @Size(max = 1024) String password) {
	}

}
