package dev.clipsync.auth.account;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;

/**
 * A new password: at least 12 characters, at most 72 bytes in UTF-8, and not on the list
 * of common passwords shipped with the service ({@code common-passwords.txt}, compared
 * ignoring case). bcrypt only reads 72 bytes, so a longer password is refused rather than
 * silently cut. {@code null} is left to {@code @NotNull}.
 */
@Documented
@Target({ ElementType.FIELD, ElementType.PARAMETER, ElementType.RECORD_COMPONENT })
@Retention(RetentionPolicy.RUNTIME)
@Constraint(validatedBy = Password.Validator.class)
@interface Password {

	int MIN_CHARACTERS = 12;

	int MAX_BYTES = 72;

	String message() default "must be at least 12 characters and at most 72 bytes in UTF-8";

	Class<?>[] groups() default {};

	Class<? extends Payload>[] payload() default {};

	class Validator implements ConstraintValidator<Password, String> {

		private static final Set<String> COMMON = load();

		@Override
		public boolean isValid(String value, ConstraintValidatorContext context) {
			if (value == null) {
				return true;
			}
			int characters = value.codePointCount(0, value.length());
			int bytes = value.getBytes(StandardCharsets.UTF_8).length;
			if (characters < MIN_CHARACTERS || bytes > MAX_BYTES) {
				return false;
			}
			if (isCommon(value)) {
				context.disableDefaultConstraintViolation();
				context
					.buildConstraintViolationWithTemplate(
							"is one of the most common passwords, which attackers try first; choose another")
					.addConstraintViolation();
				return false;
			}
			return true;
		}

		static boolean isCommon(String password) {
			return COMMON.contains(EmailAddresses.key(password));
		}

		private static Set<String> load() {
			try (InputStream in = Password.class.getResourceAsStream("/common-passwords.txt")) {
				if (in == null) {
					throw new IllegalStateException("common-passwords.txt is missing from the classpath");
				}
				return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).lines()
					.map(String::strip)
					.filter((line) -> !line.isEmpty() && !line.startsWith("#"))
					.map(EmailAddresses::key)
					.collect(Collectors.toUnmodifiableSet());
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}

	}

}
