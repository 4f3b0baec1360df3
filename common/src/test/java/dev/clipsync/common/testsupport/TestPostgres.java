package dev.clipsync.common.testsupport;

/**
 * A database of its own for one test run, on a real PostgreSQL server.
 *
 * @param jdbcUrl the database's JDBC URL
 * @param username the user to connect as
 * @param password that user's password (empty under trust authentication)
 * @param origin where the server came from, for the log
 */
public record TestPostgres(String jdbcUrl, String username, String password, String origin) {

}
