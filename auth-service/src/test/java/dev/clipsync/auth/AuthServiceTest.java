package dev.clipsync.auth;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import dev.clipsync.common.testsupport.WithRealInfrastructure;

import org.springframework.boot.test.context.SpringBootTest;

/**
 * The whole auth-service on a random port, against real PostgreSQL and Redis, with the
 * fixed {@link TestKeys}. Every test class with this annotation shares one running
 * service.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "clipsync.tokens.signing-keys[0].id=" + TestKeys.ACTIVE_ID,
				"clipsync.tokens.signing-keys[0].private-key-pem=" + TestKeys.ACTIVE_PEM,
				"clipsync.tokens.signing-keys[1].jwk=" + TestKeys.NEXT_JWK })
@WithRealInfrastructure
public @interface AuthServiceTest {

}
