namespace Platform.Domain;
