/**
 * Accounts: registration, password change and account deletion; password hashing and
 * policy.
 */
@NullMarked
package dev.clipsync.auth.account;

import org.jspecify.annotations.NullMarked;
