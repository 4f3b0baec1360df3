package dev.clipsync.auth.token;

import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

/**
 * Explains a failure to bind the token settings without printing their values. Spring
 * Boot's own analysis of a binding failure quotes each property's value, which for
 * {@code clipsync.tokens.signing-keys} is a private key (for example when slot 1 is set
 * and slot 0 is not).
 */
@Order(Ordered.HIGHEST_PRECEDENCE)
class SigningKeyBindingFailure extends AbstractFailureAnalyzer<BindException> {

	private static final String TOKENS = "clipsync.tokens";

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, BindException cause) {
		String name = cause.getName().toString();
		if (!name.startsWith(TOKENS) && !TOKENS.startsWith(name)) {
			return null;
		}
		return new FailureAnalysis(
				"The token settings under " + name + " could not be bound ("
						+ cause.getCause().getClass().getSimpleName() + "). Their values are not shown: they may "
						+ "hold private keys.",
				"Check clipsync.tokens (docs/configuration.md#signing-keys): signing-keys slots are numbered "
						+ "from 0 without gaps (set signing-keys[0] before signing-keys[1]), and each slot has "
						+ "private-key-pem or jwk.",
				cause);
	}

}
