"""Dashboard accounts: users and their passwords, sign-in with lockout, administration, and signed-in sessions."""
