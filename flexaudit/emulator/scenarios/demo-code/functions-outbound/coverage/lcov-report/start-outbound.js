// Test coverage output: skipped by --code (coverage), or it would be reported.
client.proxy.v1.services('KS').sessions.create({});
