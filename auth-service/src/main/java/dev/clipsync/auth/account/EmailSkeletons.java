package dev.clipsync.auth.account;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Fills in the skeleton of accounts registered before skeletons existed. Two old accounts
 * that look alike keep working; the second one simply has no skeleton, and new
 * look-alikes of either are still refused through the first.
 */
@Component
class EmailSkeletons implements ApplicationRunner {

	private static final Logger logger = LoggerFactory.getLogger(EmailSkeletons.class);

	private final UserAccountRepository repository;

	private final TransactionTemplate transaction;

	EmailSkeletons(UserAccountRepository repository, TransactionTemplate transaction) {
		this.repository = repository;
		this.transaction = transaction;
	}

	@Override
	public void run(ApplicationArguments args) {
		for (UserAccount account : this.repository.withoutSkeleton()) {
			try {
				this.transaction.executeWithoutResult((status) -> this.repository.setSkeleton(account.id(),
						EmailAddresses.skeleton(account.email())));
			}
			catch (DataIntegrityViolationException ex) {
				logger.warn("Account {} looks like another account's email; left without a skeleton", account.id());
			}
		}
	}

}
