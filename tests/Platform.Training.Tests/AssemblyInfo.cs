namespace Platform.Training.Tests;
