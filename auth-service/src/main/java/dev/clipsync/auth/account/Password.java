package dev.clipsync.auth.account;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.nio.charset.StandardCharsets;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;

/**
 * A new password: 8 to 72 bytes in UTF-8. bcrypt only reads 72 bytes, so a longer
 * password is refused rather than silently cut. {@code null} is left to {@code @NotNull}.
 */
@Documented
@Target({ ElementType.FIELD, ElementType.PARAMETER, ElementType.RECORD_COMPONENT })
@Retention(RetentionPolicy.RUNTIME)
@Constraint(validatedBy = Password.Validator.class)
@interface Password {

	int MIN_BYTES = 8;

	int MAX_BYTES = 72;

	String message() default "must be 8 to 72 bytes in UTF-8";

	Class<?>[] groups() default {};

	Class<? extends Payload>[] payload() default {};

	class Validator implements ConstraintValidator<Password, String> {

		@Override
		public boolean isValid(String value, ConstraintValidatorContext context) {
			if (value == null) {
				return true;
			}
			int bytes = value.getBytes(StandardCharsets.UTF_8).length;
			return bytes >= MIN_BYTES && bytes <= MAX_BYTES;
		}

	}

}
