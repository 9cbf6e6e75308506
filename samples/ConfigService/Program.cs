using ConfigService;

var app = ConfigServiceApp.Build(args);
await app.RunAsync();
