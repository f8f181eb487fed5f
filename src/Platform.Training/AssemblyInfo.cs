namespace Platform.Training;
