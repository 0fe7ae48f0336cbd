import { Component, type ReactNode } from 'react';

// Nothing is reported anywhere when a page fails: error details may contain data from the page.

interface State {
  failed: boolean;
}

/** A page that throws shows a calm message instead of a blank window; the rest of the shell keeps working. */
export class ErrorBoundary extends Component<{ children: ReactNode }, State> {
  override state: State = { failed: false };

  static getDerivedStateFromError(): State {
    return { failed: true };
  }

  override render() {
    if (this.state.failed) {
      return (
        <div role="alert" className="panel panel-error">
          <h2>This page stopped working</h2>
          <p>Nothing was changed on disk. Go to another page, or reload the window.</p>
          <button
            type="button"
            onClick={() => {
              this.setState({ failed: false });
            }}
          >
            Try again
          </button>
        </div>
      );
    }
    return this.props.children;
  }
}
