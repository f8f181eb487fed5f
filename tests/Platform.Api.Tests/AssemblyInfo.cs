namespace Platform.Api.Tests;
